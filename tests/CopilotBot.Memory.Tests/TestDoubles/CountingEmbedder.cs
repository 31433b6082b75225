namespace CopilotBot.Memory.Tests.TestDoubles;

/// <summary>Wraps an embedder and counts the texts it was asked to embed (incremental indexing embeds only changes).</summary>
public sealed class CountingEmbedder(ITextEmbedder inner, string? id = null) : ITextEmbedder
{
    public string Id { get; } = id ?? inner.Id;

    public int Dimensions => inner.Dimensions;

    public int TextsEmbedded { get; private set; }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        TextsEmbedded += texts.Count;
        return inner.EmbedAsync(texts, cancellationToken);
    }
}
