using CopilotBot.Memory;
using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Qdrant;

namespace CopilotBot.Host;

/// <summary>
/// Picks the vector store and embedder in one place: <c>Memory:Provider</c> = Embedded (default, in the workspace's
/// <c>memory/</c> folder) or Qdrant (<c>Memory:Qdrant:Endpoint</c>, <c>Memory:Qdrant:ApiKey</c>); embeddings from the
/// built-in hashing embedder unless <c>Memory:Embeddings</c> names an OpenAI-compatible endpoint.
/// </summary>
internal static class MemoryFactory
{
    public static Task<MemoryIndexer> OpenAsync(string workspaceDirectory, IConfiguration configuration, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(workspaceDirectory, "memory");
        string provider = configuration["Memory:Provider"] ?? "Embedded";
        IVectorStore store = provider.Equals("Qdrant", StringComparison.OrdinalIgnoreCase)
            ? new QdrantVectorStore(new HttpClient(), configuration.GetSection(QdrantOptions.SectionName).Get<QdrantOptions>()
                ?? throw new InvalidOperationException("Memory:Provider is Qdrant but Memory:Qdrant:Endpoint is not set."))
            : provider.Equals("Embedded", StringComparison.OrdinalIgnoreCase)
                ? new EmbeddedVectorStore(Path.Combine(folder, "vectors"), configuration.GetSection(EmbeddedStoreOptions.SectionName).Get<EmbeddedStoreOptions>())
                : throw new InvalidOperationException($"Memory:Provider '{provider}' is not known; use Embedded or Qdrant.");
        OpenAiEmbedderOptions? remote = configuration.GetSection(OpenAiEmbedderOptions.SectionName).Get<OpenAiEmbedderOptions>();
        ITextEmbedder embedder = remote is { Endpoint: not null } r
            ? new OpenAiCompatibleEmbedder(new HttpClient(), r)
            : new HashingEmbedder();
        return MemoryIndexer.OpenAsync(folder, embedder, store, null, cancellationToken);
    }
}
