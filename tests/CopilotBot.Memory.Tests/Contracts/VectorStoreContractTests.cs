namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>
/// The behaviour every <see cref="IVectorStore"/> must share, subclassed once per implementation: upsert and replace,
/// search order and payload round trip, every filter, deletes by id and by filter, counts, validation, missing collections.
/// </summary>
public abstract class VectorStoreContractTests : IAsyncLifetime
{
    protected const int Dimensions = 4;

    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    protected string Collection { get; } = "contract_" + Guid.NewGuid().ToString("N")[..12];

    protected IVectorStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        await Store.DeleteCollectionAsync(Collection);
        await DisposeStoreAsync();
    }

    [ContractFact]
    public async Task EnsureCollectionAsync_IsIdempotent_WhenCalledTwice()
    {
        await Store.EnsureCollectionAsync(Collection, Dimensions);
        await Store.EnsureCollectionAsync(Collection, Dimensions);

        Assert.True(await Store.CollectionExistsAsync(Collection));
        Assert.Equal(0, await Store.CountAsync(Collection));
    }

    [ContractFact]
    public async Task EnsureCollectionAsync_Throws_WhenDimensionsDiffer()
    {
        await Store.EnsureCollectionAsync(Collection, Dimensions);

        var error = await Assert.ThrowsAnyAsync<VectorStoreException>(() => Store.EnsureCollectionAsync(Collection, Dimensions + 1));

        Assert.Contains("4", error.Message);
        Assert.Contains("5", error.Message);
    }

    [ContractFact]
    public async Task QueryAsync_ReturnsNearestFirstWithPayload_WhenUnfiltered()
    {
        await SeedAsync();

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 3);

        Assert.Equal(["c1", "c2", "c3"], hits.Select(h => h.Chunk.ConversationId));
        Assert.Equal(1.0, hits[0].Score, 3);
        Assert.Equal(0.7071, hits[2].Score, 3);
        Assert.Equal(Points()[0].Chunk, hits[0].Chunk);
    }

    [ContractFact]
    public async Task QueryAsync_ReturnsOnlyThatAccount_WhenFilteredByOneAccount()
    {
        await SeedAsync();

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 10, VectorFilter.ForAccount("acct-a"));

        Assert.Equal(["c1", "c3"], hits.Select(h => h.Chunk.ConversationId));
    }

    [ContractFact]
    public async Task QueryAsync_ReturnsThoseAccounts_WhenFilteredByAccountSet()
    {
        await SeedAsync();

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 10, new VectorFilter { AccountIds = ["acct-b", "acct-c"] });

        Assert.Equal(["c2", "c4"], hits.Select(h => h.Chunk.ConversationId));
    }

    [ContractFact]
    public async Task QueryAsync_ReturnsHalfOpenRange_WhenFilteredByTime()
    {
        await SeedAsync();
        var filter = new VectorFilter { From = Epoch.AddDays(2), Until = Epoch.AddDays(4) };

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 10, filter);

        Assert.Equal(["c2", "c3"], hits.Select(h => h.Chunk.ConversationId));
    }

    [ContractFact]
    public async Task QueryAsync_CombinesConditions_WhenFilteredByTopicAndExclusion()
    {
        await SeedAsync();
        var filter = new VectorFilter { Topics = ["login", "billing"], ExcludeConversationIds = ["c1", "c2"] };

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 10, filter);

        Assert.Equal(["c3", "c4"], hits.Select(h => h.Chunk.ConversationId));
    }

    [ContractFact]
    public async Task QueryAsync_ReturnsNothing_WhenAccountSetIsEmpty()
    {
        await SeedAsync();

        IReadOnlyList<VectorHit> hits = await Store.QueryAsync(Collection, [1, 0, 0, 0], 10, new VectorFilter { AccountIds = [] });

        Assert.Empty(hits);
    }

    [ContractFact]
    public async Task UpsertAsync_ReplacesPoint_WhenIdExists()
    {
        await SeedAsync();
        VectorRecord first = Points()[0];

        await Store.UpsertAsync(Collection, [first with { Chunk = first.Chunk with { Topic = "changed" }, Vector = [0, 0, 0, 1] }]);

        Assert.Equal(5, await Store.CountAsync(Collection));
        VectorHit top = (await Store.QueryAsync(Collection, [0, 0, 0, 1], 1)).Single();
        Assert.Equal(first.Chunk.Id, top.Chunk.Id);
        Assert.Equal("changed", top.Chunk.Topic);
    }

    [ContractFact]
    public async Task UpsertAsync_StoresEveryPoint_WhenMoreThanOneBatch()
    {
        await Store.EnsureCollectionAsync(Collection, Dimensions);
        var random = new Random(3);
        var records = Enumerable.Range(0, 300)
            .Select(i => new VectorRecord(Chunk($"bulk-{i}", $"acct-{i % 3}", i, null), [.. Enumerable.Range(0, Dimensions).Select(_ => random.NextSingle() - 0.5f)]))
            .ToList();

        await Store.UpsertAsync(Collection, records);

        Assert.Equal(300, await Store.CountAsync(Collection));
        Assert.Equal(100, await Store.CountAsync(Collection, VectorFilter.ForAccount("acct-1")));
    }

    [ContractFact]
    public async Task DeleteAsync_RemovesPoints_WhenGivenIds()
    {
        await SeedAsync();

        await Store.DeleteAsync(Collection, [Points()[0].Chunk.Id, Points()[1].Chunk.Id, Guid.NewGuid()]);

        Assert.Equal(3, await Store.CountAsync(Collection));
        Assert.Equal("c3", (await Store.QueryAsync(Collection, [1, 0, 0, 0], 1)).Single().Chunk.ConversationId);
    }

    [ContractFact]
    public async Task DeleteByFilterAsync_RemovesOnlyMatching_WhenFilteredByAccount()
    {
        await SeedAsync();

        await Store.DeleteByFilterAsync(Collection, VectorFilter.ForAccount("acct-a"));

        Assert.Equal(3, await Store.CountAsync(Collection));
        Assert.Equal(0, await Store.CountAsync(Collection, VectorFilter.ForAccount("acct-a")));
    }

    [ContractFact]
    public async Task DeleteByFilterAsync_Throws_WhenFilterIsEmpty()
    {
        await SeedAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteByFilterAsync(Collection, new VectorFilter()));

        Assert.Equal(5, await Store.CountAsync(Collection));
    }

    [ContractFact]
    public async Task CountAsync_CountsMatching_WhenFiltered()
    {
        await SeedAsync();

        Assert.Equal(5, await Store.CountAsync(Collection));
        Assert.Equal(2, await Store.CountAsync(Collection, new VectorFilter { Topics = ["billing"] }));
        Assert.Equal(3, await Store.CountAsync(Collection, new VectorFilter { From = Epoch.AddDays(3) }));
    }

    [ContractFact]
    public async Task UpsertAsync_Throws_WhenVectorIsInvalid()
    {
        await Store.EnsureCollectionAsync(Collection, Dimensions);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(Collection, [new VectorRecord(Chunk("x", null, 0, null), [1, 0, 0])]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(Collection, [new VectorRecord(Chunk("x", null, 0, null), [1, 0, float.NaN, 0])]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryAsync(Collection, [1, 0], 3));
        Assert.Equal(0, await Store.CountAsync(Collection));
    }

    [ContractFact]
    public async Task QueryAsync_ThrowsNotFound_WhenCollectionIsMissing()
    {
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.QueryAsync(Collection, [1, 0, 0, 0], 3));
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.CountAsync(Collection));
        Assert.False(await Store.CollectionExistsAsync(Collection));
    }

    protected abstract Task<IVectorStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    protected static MemoryChunk Chunk(string conversationId, string? accountId, int day, string? topic) => new(
        ConversationChunker.ChunkId(conversationId, 0), conversationId, accountId, Epoch.AddDays(day).ToUnixTimeSeconds(), topic,
        topic is null ? null : -0.25, 0, $"Customer: text of {conversationId}");

    protected static IReadOnlyList<VectorRecord> Points() =>
    [
        new(Chunk("c1", "acct-a", 1, "billing"), [1, 0, 0, 0]),
        new(Chunk("c2", "acct-b", 2, "login"), [0.9f, 0.1f, 0, 0]),
        new(Chunk("c3", "acct-a", 3, "login"), [0.7f, 0.7f, 0, 0]),
        new(Chunk("c4", "acct-c", 4, "billing"), [0, 1, 0, 0]),
        new(Chunk("c5", null, 5, null), [0, 0, 2, 0]),
    ];

    protected async Task SeedAsync()
    {
        await Store.EnsureCollectionAsync(Collection, Dimensions);
        await Store.UpsertAsync(Collection, Points());
    }
}
