namespace CopilotBot.Memory;

/// <summary>Settings of <see cref="MemoryIndexer"/>.</summary>
public sealed record MemoryIndexerOptions
{
    public const string SectionName = "Memory";

    /// <summary>Vector-store collection holding the chunks.</summary>
    public string Collection { get; init; } = "support_chunks";

    public ChunkerOptions Chunking { get; init; } = new();

    /// <summary>Conversations per batch: one embedding round, one store upsert and one catalog transaction each.</summary>
    public int BatchSize { get; init; } = 256;
}
