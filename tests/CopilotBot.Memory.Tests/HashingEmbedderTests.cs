using System.Numerics.Tensors;

namespace CopilotBot.Memory.Tests;

public sealed class HashingEmbedderTests
{
    [Fact]
    public async Task EmbedAsync_ReturnsUnitVectorsOfConfiguredLength_WhenTextHasWords()
    {
        var embedder = new HashingEmbedder(256);

        float[][] vectors = await embedder.EmbedAsync(["My bag never arrived in Boston", "Flight delayed again"]);

        Assert.All(vectors, v => Assert.Equal(256, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, TensorPrimitives.Norm(v), 4));
        Assert.Equal("hashing-v1-256", embedder.Id);
    }

    [Fact]
    public void Embed_IsDeterministicAndZeroForStopWords_WhenCalledTwice()
    {
        var embedder = new HashingEmbedder();

        Assert.Equal(embedder.Embed("lost luggage at JFK"), embedder.Embed("lost luggage at JFK"));
        Assert.All(embedder.Embed("the and of __company__"), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Embed_PutsRelatedTextsCloser_WhenTheyShareWordsOrStems()
    {
        var embedder = new HashingEmbedder();
        float[] query = embedder.Embed("my baggage was lost");

        float related = TensorPrimitives.Dot(query, embedder.Embed("lost bags and missing baggage claim"));
        float unrelated = TensorPrimitives.Dot(query, embedder.Embed("the wifi on board is not working"));

        Assert.True(related > unrelated + 0.1f, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public void Fit_ChangesIdAndDownweightsCommonWords_WhenCorpusIsGiven()
    {
        string[] corpus = ["flight delayed", "flight cancelled", "flight late", "bag lost", "flight gate"];
        IdfTable idf = IdfTable.Fit(corpus);
        var plain = new HashingEmbedder(128);
        var weighted = new HashingEmbedder(128, idf);

        float plainScore = TensorPrimitives.Dot(plain.Embed("flight bag"), plain.Embed("flight delayed"));
        float weightedScore = TensorPrimitives.Dot(weighted.Embed("flight bag"), weighted.Embed("flight delayed"));

        Assert.StartsWith("hashing-v1-128-idf-", weighted.Id);
        Assert.True(weightedScore < plainScore, $"idf {weightedScore} should be below plain {plainScore}");
    }

    [Fact]
    public void Load_RestoresSameTable_WhenSaved()
    {
        IdfTable idf = IdfTable.Fit(["one two three", "two three", "three"]);
        string path = Path.GetTempFileName();
        try
        {
            idf.Save(path);

            IdfTable loaded = IdfTable.Load(path);

            Assert.Equal(idf.Fingerprint, loaded.Fingerprint);
            Assert.Equal(new HashingEmbedder(64, idf).Embed("two four"), new HashingEmbedder(64, loaded).Embed("two four"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
