using System.Numerics.Tensors;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

public sealed class IvfIndexTests
{
    [Fact]
    public async Task Query_ReachesTargetRecall_AtCalibratedNProbe_WhenDataIsClustered()
    {
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = int.MaxValue });
        var records = EmbeddedVectorStoreTests.ClusteredRecords(20_000, 32, clusters: 100, seed: 15);
        await store.EnsureCollectionAsync("ann", 32);
        await store.UpsertAsync("ann", records);
        store.BuildAnnIndex("ann");
        IvfIndex index = store.AnnIndex("ann")!;
        var random = new Random(3);
        double recall = 0;
        const int queries = 200;

        for (int q = 0; q < queries; q++)
        {
            // Queries the calibration never saw: other points, other noise.
            float[] query = [.. records[random.Next(records.Count)].Vector.Select(x => x + (random.NextSingle() - 0.5f) * 0.3f)];
            var exact = store.Query("ann", query, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id).ToHashSet();
            recall += store.Query("ann", query, 10, null, SearchStrategy.Ivf).Count(h => exact.Contains(h.Chunk.Id)) / 10.0;
        }

        Assert.True(recall / queries >= 0.95, $"recall@10 {recall / queries:0.000} at nprobe {index.Monitor.NProbe}/{index.NList}");
        Assert.True(index.Monitor.NProbe < index.NList / 2, $"nprobe {index.Monitor.NProbe} of {index.NList} lists");
    }

    [Fact]
    public async Task Monitor_RaisesNProbe_WhenRealQueriesNeedMoreListsThanCalibration()
    {
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = int.MaxValue, TargetRecall = 0.95 });
        var records = EmbeddedVectorStoreTests.ClusteredRecords(10_000, 32, clusters: 50, seed: 16);
        await store.EnsureCollectionAsync("ann", 32);
        await store.UpsertAsync("ann", records);
        store.BuildAnnIndex("ann");
        IvfIndex index = store.AnnIndex("ann")!;
        var random = new Random(4);
        // Far from every point (mixtures of three clusters): their neighbours spread over many lists.
        float[][] hard = [.. Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, 32)
            .Select(j => records[random.Next(records.Count)].Vector[j] + records[random.Next(records.Count)].Vector[j] + records[random.Next(records.Count)].Vector[j])
            .ToArray())];
        int calibrated = index.Monitor.NProbe;

        store.SampleAnnRecall("ann", hard.Take(50));
        double recall = hard.Skip(50).Average(q =>
        {
            var exact = store.Query("ann", q, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id).ToHashSet();
            return store.Query("ann", q, 10, null, SearchStrategy.Ivf).Count(h => exact.Contains(h.Chunk.Id)) / 10.0;
        });

        Assert.True(index.Monitor.NProbe > calibrated, $"nprobe stayed {calibrated}");
        Assert.True(recall >= 0.93, $"recall@10 {recall:0.000} on unseen hard queries at nprobe {index.Monitor.NProbe}");
    }

    [Fact]
    public async Task QueryAsync_UsesAnnIndexBuiltOnItsOwn_WhenCollectionReachesThreshold()
    {
        // The threshold counts points of 1,024 dimensions: 78 of those are about 5,000 points of 16.
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = 78 });
        var records = EmbeddedVectorStoreTests.ClusteredRecords(6_000, 16, clusters: 20, seed: 6);
        await store.EnsureCollectionAsync("ann", 16);
        await store.UpsertAsync("ann", records.Take(4_000).ToList());
        var below = new SearchStats();
        store.Query("ann", records[0].Vector, 5, null, SearchStrategy.Auto, 0, below);

        await store.UpsertAsync("ann", records.Skip(4_000).ToList());
        var above = new SearchStats();
        store.Query("ann", records[0].Vector, 5, null, SearchStrategy.Auto, 0, above);
        await store.DeleteAsync("ann", [.. records.Skip(2_000).Select(r => r.Chunk.Id)]);

        Assert.Equal("float", below.Path);
        Assert.Equal("ivf", above.Path);
        Assert.Null(store.AnnIndex("ann"));
    }

    [Fact]
    public void SearchIvf_AnswersExactly_WhenListsNeedMoreReScoringThanBudget()
    {
        var records = EmbeddedVectorStoreTests.ClusteredRecords(8_000, 32, clusters: 40, seed: 12);
        var data = new VectorCollection(32, seed: 17);
        foreach (VectorRecord record in records)
        {
            data.Upsert(record.Chunk, record.Vector);
        }

        data.BuildIvf(nlist: 90, seed: 17, targetRecall: 0.9);
        // Between two clusters: one probed list cannot hold its neighbours.
        float[] query = [.. records[5].Vector.Select((x, i) => x + records[6000].Vector[i])];
        TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
        var stats = new SearchStats();

        TopK ivf = data.SearchIvf(query, 10, null, nprobe: 1, stats, rescoreBudget: 3);
        TopK exact = data.SearchExact(query, 10, null);

        Assert.Equal(1, stats.FallBacks);
        Assert.Equal(exact.Sorted(), ivf.Sorted());
    }

    [Fact]
    public async Task Query_StaysExact_WhenIvfIsAskedWithSelectiveFilter()
    {
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { NProbe = 1 });
        var records = EmbeddedVectorStoreTests.ClusteredRecords(8_000, 16, clusters: 30, seed: 2);
        await store.EnsureCollectionAsync("ann", 16);
        await store.UpsertAsync("ann", records);
        store.BuildAnnIndex("ann");
        var filter = VectorFilter.ForAccount(records[7].Chunk.AccountId!);

        IReadOnlyList<VectorHit> ivf = store.Query("ann", records[2000].Vector, 10, filter, SearchStrategy.Ivf);
        IReadOnlyList<VectorHit> exact = store.Query("ann", records[2000].Vector, 10, filter, SearchStrategy.Exact);

        Assert.Equal(exact.Select(h => h.Chunk.Id), ivf.Select(h => h.Chunk.Id));
    }
}
