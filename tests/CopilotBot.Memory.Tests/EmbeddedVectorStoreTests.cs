using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests;

public sealed class EmbeddedVectorStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task QueryAsync_ReturnsSameResults_WhenStoreIsReopened()
    {
        var records = RandomRecords(200, 16, seed: 1);
        float[] query = records[42].Vector;
        IReadOnlyList<VectorHit> before;
        using (var store = new EmbeddedVectorStore(_folder.Path))
        {
            await store.EnsureCollectionAsync("chunks", 16);
            await store.UpsertAsync("chunks", records);
            await store.DeleteAsync("chunks", [records[0].Chunk.Id]);
            before = await store.QueryAsync("chunks", query, 5);
        }

        using var reopened = new EmbeddedVectorStore(_folder.Path);
        IReadOnlyList<VectorHit> after = await reopened.QueryAsync("chunks", query, 5);

        Assert.Equal(199, await reopened.CountAsync("chunks"));
        Assert.Equal(records[42].Chunk.Id, after[0].Chunk.Id);
        Assert.Equal(before.Select(h => (h.Chunk, h.Score)), after.Select(h => (h.Chunk, h.Score)));
        await Assert.ThrowsAnyAsync<VectorStoreException>(() => reopened.EnsureCollectionAsync("chunks", 32));
    }

    [Theory]
    [InlineData(SearchStrategy.Quantized, 0.99)]
    [InlineData(SearchStrategy.Ivf, 0.9)]
    public async Task Query_HasHighRecallAgainstExact_WhenApproximate(SearchStrategy strategy, double minimumRecall)
    {
        // Clustered data, as embeddings of real text are; IVF on uniform noise would say little.
        using var store = EmbeddedVectorStore.InMemory();
        var records = ClusteredRecords(20_000, 32, clusters: 100, seed: 5);
        await store.EnsureCollectionAsync("ann", 32);
        await store.UpsertAsync("ann", records);
        store.BuildAnnIndex("ann");
        var random = new Random(9);

        double recall = 0;
        const int queries = 100;
        for (int q = 0; q < queries; q++)
        {
            float[] query = Noisy(records[random.Next(records.Count)].Vector, random, 0.3f);
            var exact = store.Query("ann", query, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id).ToHashSet();
            recall += store.Query("ann", query, 10, null, strategy).Count(h => exact.Contains(h.Chunk.Id)) / 10.0;
        }

        Assert.True(recall / queries >= minimumRecall, $"{strategy} recall@10 {recall / queries:0.000}");
    }

    [Fact]
    public async Task QueryAsync_UsesQuantizedScanWithExactScores_WhenAboveThreshold()
    {
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = 1_000 });
        var records = RandomRecords(3_000, 64, seed: 4);
        await store.EnsureCollectionAsync("q", 64);
        await store.UpsertAsync("q", records);

        IReadOnlyList<VectorHit> auto = await store.QueryAsync("q", records[10].Vector, 5, VectorFilter.ForAccount("acct-0"));
        IReadOnlyList<VectorHit> exact = store.Query("q", records[10].Vector, 5, VectorFilter.ForAccount("acct-0"), SearchStrategy.Exact);

        Assert.Equal(records[10].Chunk.Id, auto[0].Chunk.Id);
        Assert.Equal(exact.Select(h => (h.Chunk.Id, h.Score)), auto.Select(h => (h.Chunk.Id, h.Score)));
    }

    [Fact]
    public async Task Query_FallsBackToExact_WhenFilterIsTooSelectiveForProbedLists()
    {
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { NProbe = 1 });
        var records = ClusteredRecords(3_000, 16, clusters: 30, seed: 2);
        await store.EnsureCollectionAsync("ann", 16);
        await store.UpsertAsync("ann", records);
        store.BuildAnnIndex("ann");
        string account = records[7].Chunk.AccountId!;

        IReadOnlyList<VectorHit> hits = store.Query("ann", records[2000].Vector, 5, VectorFilter.ForAccount(account), SearchStrategy.Ivf);

        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.Equal(account, h.Chunk.AccountId));
    }

    internal static List<VectorRecord> RandomRecords(int count, int dims, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new VectorRecord(
            new MemoryChunk(Guid.NewGuid(), $"conv-{i}", $"acct-{i % 10}", 1_700_000_000 + i, null, null, 0, $"text {i}"),
            [.. Enumerable.Range(0, dims).Select(_ => random.NextSingle() - 0.5f)]))];
    }

    internal static List<VectorRecord> ClusteredRecords(int count, int dims, int clusters, int seed)
    {
        var random = new Random(seed);
        var centers = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dims).Select(_ => random.NextSingle() - 0.5f).ToArray()).ToList();
        return [.. Enumerable.Range(0, count).Select(i => new VectorRecord(
            new MemoryChunk(Guid.NewGuid(), $"conv-{i}", $"acct-{i % 100}", 1_700_000_000 + i, null, null, 0, $"text {i}"),
            Noisy(centers[random.Next(clusters)], random, 0.15f)))];
    }

    private static float[] Noisy(float[] vector, Random random, float scale) => [.. vector.Select(x => x + (random.NextSingle() - 0.5f) * scale)];
}
