using CopilotBot.Memory;
using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Qdrant;

namespace CopilotBot.Host;

/// <summary>
/// Picks the vector store and embedder in one place: <c>Memory:Provider</c> = Embedded (default, in the workspace's
/// <c>memory/</c> folder) or Qdrant (<c>Memory:Qdrant:Endpoint</c>, <c>Memory:Qdrant:ApiKey</c>); <c>Memory:Embedder</c> =
/// minilm (default: the all-MiniLM-L6-v2 sentence model shipped in a package, threads from
/// <c>Memory:MiniLm:Threads</c>), hashing (no model) or openai (the endpoint in <c>Memory:Embeddings</c>; also the
/// default when that endpoint is set and <c>Memory:Embedder</c> is not).
/// </summary>
internal static class MemoryFactory
{
    public static Task<MemoryIndexer> OpenAsync(string workspaceDirectory, IConfiguration configuration, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(workspaceDirectory, "memory");
        return MemoryIndexer.OpenAsync(folder, CreateEmbedder(configuration), CreateStore(folder, configuration), null, cancellationToken);
    }

    /// <summary>Deletes the workspace's index (collection and catalog); the next open builds it with the configured embedder.</summary>
    public static Task DeleteAsync(string workspaceDirectory, IConfiguration configuration, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(workspaceDirectory, "memory");
        return MemoryIndexer.DeleteIndexAsync(folder, CreateStore(folder, configuration), null, cancellationToken);
    }

    public static ITextEmbedder CreateEmbedder(IConfiguration configuration)
    {
        OpenAiEmbedderOptions? remote = configuration.GetSection(OpenAiEmbedderOptions.SectionName).Get<OpenAiEmbedderOptions>();
        string kind = configuration["Memory:Embedder"] ?? (remote is { Endpoint: not null } ? "openai" : "minilm");
        MiniLmOptions miniLm = configuration.GetSection(MiniLmOptions.SectionName).Get<MiniLmOptions>() ?? new MiniLmOptions();
        return kind.Trim().ToLowerInvariant() switch
        {
            "minilm" => new MiniLmEmbedder(miniLm.Threads, miniLm.BatchSize, miniLm.QueryCacheSize),
            "hashing" => new HashingEmbedder(),
            "openai" => remote is { Endpoint: not null } r
                ? new OpenAiCompatibleEmbedder(new HttpClient(), r)
                : throw new InvalidOperationException("Memory:Embedder is openai but Memory:Embeddings:Endpoint is not set."),
            _ => throw new InvalidOperationException($"Memory:Embedder '{kind}' is not known; use minilm, hashing or openai."),
        };
    }

    private static IVectorStore CreateStore(string folder, IConfiguration configuration)
    {
        string provider = configuration["Memory:Provider"] ?? "Embedded";
        return provider.Equals("Qdrant", StringComparison.OrdinalIgnoreCase)
            ? new QdrantVectorStore(new HttpClient(), configuration.GetSection(QdrantOptions.SectionName).Get<QdrantOptions>()
                ?? throw new InvalidOperationException("Memory:Provider is Qdrant but Memory:Qdrant:Endpoint is not set."))
            : provider.Equals("Embedded", StringComparison.OrdinalIgnoreCase)
                ? new EmbeddedVectorStore(Path.Combine(folder, "vectors"), configuration.GetSection(EmbeddedStoreOptions.SectionName).Get<EmbeddedStoreOptions>())
                : throw new InvalidOperationException($"Memory:Provider '{provider}' is not known; use Embedded or Qdrant.");
    }
}
