using System.Numerics.Tensors;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

/// <summary>
/// The fast exact paths (sketch scan with float re-scoring, posting lists) against a brute-force reference written
/// here from <see cref="VectorFilter.Matches"/> and plain dot products, independent of the store's code.
/// </summary>
public sealed class SketchSearchTests
{
    private const int Dims = 96;
    private const int Points = 6_000;
    private static readonly string[] TopicNames = ["billing", "outage", "login", "refund", "upgrade"];
    private static readonly List<VectorRecord> Records = MakeRecords();

    public static TheoryData<string, string> Filters() => new()
    {
        { "none", "sketch" },
        { "one account", "postings" },
        { "most accounts", "sketch" },
        { "one topic", "postings" },
        { "every topic", "sketch" },
        { "time range", "sketch" },
        { "exclusions", "sketch" },
        { "accounts, time and exclusions", "sketch" },
        { "topic and time", "postings" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_EqualsBruteForce_WhenFiltered(string name, string expectedPath)
    {
        using var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("c", Dims);
        await store.UpsertAsync("c", Records);
        VectorFilter filter = FilterNamed(name);
        var random = new Random(name.Length);
        var stats = new SearchStats();
        int hits = 0;

        for (int q = 0; q < 25; q++)
        {
            float[] query = Noisy(Records[random.Next(Points)].Vector, random, 0.5f);
            var expected = BruteForce(query, 10, filter);
            IReadOnlyList<VectorHit> actual = store.Query("c", query, 10, filter, SearchStrategy.Quantized, 0, stats);

            Assert.Equal(expected.Select(e => e.Id), actual.Select(h => h.Chunk.Id));
            Assert.Equal(expected.Select(e => e.Score), actual.Select(h => h.Score), (x, y) => MathF.Abs(x - y) < 1e-5f);
            hits += actual.Count;
        }

        Assert.Equal(expectedPath, stats.Path);
        Assert.True(hits > 0);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("time range")]
    [InlineData("one account")]
    public async Task Query_ReturnsLowestMatchingSlotsScoringZero_WhenQueryIsZero(string name)
    {
        using var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("c", Dims);
        await store.UpsertAsync("c", Records);
        VectorFilter filter = FilterNamed(name);
        var stats = new SearchStats();

        IReadOnlyList<VectorHit> exact = store.Query("c", new float[Dims], 10, filter, SearchStrategy.Exact);
        IReadOnlyList<VectorHit> fast = store.Query("c", new float[Dims], 10, filter, SearchStrategy.Quantized, 0, stats);

        Assert.Equal(exact.Select(h => h.Chunk.Id), fast.Select(h => h.Chunk.Id));
        Assert.All(fast, h => Assert.Equal(0f, h.Score));
        Assert.Equal(name == "one account" ? "postings" : "zero", stats.Path);
    }

    [Fact]
    public async Task Query_ReranksFewPoints_WhenSketchScanIsUsed()
    {
        using var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("c", Dims);
        await store.UpsertAsync("c", Records);
        var stats = new SearchStats();

        store.Query("c", Records[123].Vector, 10, null, SearchStrategy.Quantized, 0, stats);

        Assert.Equal("sketch", stats.Path);
        Assert.InRange(stats.Rescored, 10, Points / 4);
    }

    [Fact]
    public async Task Query_FindsNewAccountOnly_WhenPointIsOverwrittenWithAnotherAccount()
    {
        using var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("c", Dims);
        await store.UpsertAsync("c", Records);
        VectorRecord moved = Records[42] with { Chunk = Records[42].Chunk with { AccountId = "acct-new" } };

        await store.UpsertAsync("c", [moved]);
        await store.DeleteAsync("c", [Records[43].Chunk.Id]);

        IReadOnlyList<VectorHit> old = store.Query("c", moved.Vector, 200, VectorFilter.ForAccount(Records[42].Chunk.AccountId!), SearchStrategy.Quantized);
        IReadOnlyList<VectorHit> now = store.Query("c", moved.Vector, 5, VectorFilter.ForAccount("acct-new"), SearchStrategy.Quantized);
        IReadOnlyList<VectorHit> deleted = store.Query("c", Records[43].Vector, 200, VectorFilter.ForAccount(Records[43].Chunk.AccountId!), SearchStrategy.Quantized);

        Assert.DoesNotContain(old, h => h.Chunk.Id == moved.Chunk.Id);
        Assert.Equal([moved.Chunk.Id], now.Select(h => h.Chunk.Id));
        Assert.DoesNotContain(deleted, h => h.Chunk.Id == Records[43].Chunk.Id);
        Assert.Equal(Points - 1, await store.CountAsync("c"));
    }

    [Fact]
    public async Task Query_EqualsFloatScan_WhenVectorsAreSparseLikeHashedText()
    {
        // Hashed n-gram vectors: a few dozen non-zero coordinates of 1024. The rotation makes their sketches useful.
        var embedder = new HashingEmbedder();
        var random = new Random(8);
        string[] words = ["flight", "delay", "bag", "lost", "refund", "seat", "crew", "gate", "late", "thanks", "ticket", "upgrade", "wifi", "meal"];
        string[] texts = [.. Enumerable.Range(0, 5_000).Select(_ => string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)])))];
        float[][] vectors = await embedder.EmbedAsync(texts);
        using var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("t", embedder.Dimensions);
        await store.UpsertAsync("t", [.. texts.Select((t, i) => new VectorRecord(new MemoryChunk(Guid.NewGuid(), $"c{i}", null, 0, null, null, 0, t), vectors[i]))]);
        double recall = 0;

        for (int q = 0; q < 50; q++)
        {
            float[] query = embedder.Embed(string.Join(' ', Enumerable.Range(0, 3).Select(_ => words[random.Next(words.Length)])));
            var exact = store.Query("t", query, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id).ToHashSet();
            recall += store.Query("t", query, 10, null, SearchStrategy.Quantized).Count(h => exact.Contains(h.Chunk.Id)) / 10.0;
        }

        Assert.True(recall / 50 >= 0.99, $"recall@10 {recall / 50:0.000}");
    }

    private static List<(Guid Id, float Score)> BruteForce(float[] query, int k, VectorFilter filter)
    {
        float[] q = Normalised(query);
        return [.. Records
            .Where(r => filter.Matches(r.Chunk))
            .Select(r => (r.Chunk.Id, Score: TensorPrimitives.Dot(Normalised(r.Vector), q)))
            .OrderByDescending(x => x.Score)
            .Take(k)];
    }

    private static VectorFilter FilterNamed(string name)
    {
        long start = Records.Min(r => r.Chunk.Timestamp);
        string[] excluded = [.. Enumerable.Range(0, 600).Select(i => $"conv-{i * 3}")];
        return name switch
        {
            "none" => new VectorFilter(),
            "one account" => VectorFilter.ForAccount("acct-7"),
            "most accounts" => new VectorFilter { AccountIds = [.. Enumerable.Range(0, 45).Select(i => $"acct-{i}")] },
            "one topic" => new VectorFilter { Topics = ["outage"] },
            "every topic" => new VectorFilter { Topics = TopicNames },
            "time range" => new VectorFilter { From = DateTimeOffset.FromUnixTimeSeconds(start + 1_000), Until = DateTimeOffset.FromUnixTimeSeconds(start + 5_500) },
            "exclusions" => new VectorFilter { ExcludeConversationIds = excluded },
            "accounts, time and exclusions" => new VectorFilter
            {
                AccountIds = [.. Enumerable.Range(0, 48).Select(i => $"acct-{i}")],
                From = DateTimeOffset.FromUnixTimeSeconds(start + 500),
                ExcludeConversationIds = excluded,
            },
            "topic and time" => new VectorFilter { Topics = ["refund"], Until = DateTimeOffset.FromUnixTimeSeconds(start + 3_000) },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    // Clustered, with every payload field varied: 50 accounts, 5 topics and none, 2,000 conversations, one point a second.
    private static List<VectorRecord> MakeRecords()
    {
        var random = new Random(21);
        var centers = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, Dims).Select(_ => random.NextSingle() - 0.5f).ToArray()).ToList();
        return [.. Enumerable.Range(0, Points).Select(i => new VectorRecord(
            new MemoryChunk(Guid.NewGuid(), $"conv-{i / 3}", $"acct-{i % 50}", 1_700_000_000 + i, i % 6 == 5 ? null : TopicNames[i % 6], null, i % 3, $"text {i}"),
            Noisy(centers[random.Next(centers.Count)], random, 0.6f)))];
    }

    private static float[] Noisy(float[] vector, Random random, float scale) => [.. vector.Select(x => x + (random.NextSingle() - 0.5f) * scale)];

    private static float[] Normalised(float[] vector)
    {
        var result = new float[vector.Length];
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), result);
        return result;
    }
}
