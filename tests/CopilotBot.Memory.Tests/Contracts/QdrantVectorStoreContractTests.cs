using CopilotBot.Memory.Qdrant;

namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>
/// The vector-store contract against a real Qdrant (e.g. <c>docker run -p 6333:6333 qdrant/qdrant</c>, then
/// <c>QDRANT_URL=http://localhost:6333</c>, optional <c>QDRANT_API_KEY</c>). Skipped, with the reason shown, when unset.
/// </summary>
[RequiresEnvironment("QDRANT_URL", "Needs a Qdrant server: set QDRANT_URL (e.g. http://localhost:6333) to run the contract against it.")]
[Trait("Category", "Integration")]
public sealed class QdrantVectorStoreContractTests : VectorStoreContractTests
{
    private readonly HttpClient _http = new();

    protected override Task<IVectorStore> CreateStoreAsync()
    {
        var options = new QdrantOptions
        {
            Endpoint = new Uri(Environment.GetEnvironmentVariable("QDRANT_URL")!),
            ApiKey = Environment.GetEnvironmentVariable("QDRANT_API_KEY"),
        };
        return Task.FromResult<IVectorStore>(new QdrantVectorStore(_http, options));
    }

    protected override Task DisposeStoreAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }
}
