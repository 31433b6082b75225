using System.ComponentModel.DataAnnotations;

namespace CopilotBot.Memory;

/// <summary>Settings of <see cref="MiniLmEmbedder"/>, the default sentence model.</summary>
public sealed class MiniLmOptions
{
    public const string SectionName = "Memory:MiniLm";

    /// <summary>Intra-op threads of the shared ONNX session; 0 lets ONNX Runtime use one per core.</summary>
    [Range(0, 64)] public int Threads { get; set; }

    /// <summary>Texts per inference call when indexing.</summary>
    [Range(1, 512)] public int BatchSize { get; set; } = 32;

    /// <summary>Query vectors kept in the LRU cache (0 turns it off).</summary>
    [Range(0, 1_000_000)] public int QueryCacheSize { get; set; } = 1024;
}
