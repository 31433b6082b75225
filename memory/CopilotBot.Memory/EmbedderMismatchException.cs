namespace CopilotBot.Memory;

/// <summary>An index was opened with an embedder other than the one that built it; vectors of two models never mix.</summary>
public sealed class EmbedderMismatchException(string location, string indexEmbedderId, int indexDimensions, string embedderId, int dimensions)
    : InvalidOperationException(
        $"The memory index at {location} was built with embedder '{indexEmbedderId}' ({indexDimensions} dimensions); refusing to mix in " +
        $"vectors from '{embedderId}' ({dimensions} dimensions). Configure the original embedder, or index into a new folder and collection.")
{
    public string IndexEmbedderId { get; } = indexEmbedderId;

    public int IndexDimensions { get; } = indexDimensions;

    public string EmbedderId { get; } = embedderId;

    public int Dimensions { get; } = dimensions;
}
