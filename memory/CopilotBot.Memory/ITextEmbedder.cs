namespace CopilotBot.Memory;

/// <summary>Turns texts into vectors for the vector store.</summary>
public interface ITextEmbedder
{
    /// <summary>
    /// Identifies the model and everything that changes its output (e.g. "hashing-v1-512", "openai:text-embedding-3-small").
    /// An index records it and refuses to mix vectors from two embedders.
    /// </summary>
    string Id { get; }

    /// <summary>Length of every vector <see cref="EmbedAsync"/> returns.</summary>
    int Dimensions { get; }

    /// <summary>One vector per text, in the order of <paramref name="texts"/>.</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
