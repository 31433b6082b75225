using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>The vector-store contract against the embedded store, persisted in a temp folder (real SQLite).</summary>
public sealed class EmbeddedVectorStoreContractTests : VectorStoreContractTests
{
    private readonly TempFolder _folder = new();
    private EmbeddedVectorStore? _store;

    protected override Task<IVectorStore> CreateStoreAsync()
    {
        _store = new EmbeddedVectorStore(_folder.Path);
        return Task.FromResult<IVectorStore>(_store);
    }

    protected override Task DisposeStoreAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
