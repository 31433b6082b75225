using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests;

public sealed class HybridSearchTests
{
    [Fact]
    public async Task SearchAsync_FusesRanksAndReportsRetrievers_WhenBothFindResults()
    {
        (HybridSearch search, _) = await BuildAsync(
            Bm25IndexTests.Chunk("c1", "my luggage never arrived at the carousel"),
            Bm25IndexTests.Chunk("c2", "lost bag claim number please"),
            Bm25IndexTests.Chunk("c3", "seat upgrade on my flight"));

        IReadOnlyList<MemorySearchResult> results = await search.SearchAsync(new MemoryQuery("lost luggage") { Limit = 3 });

        MemorySearchResult top = results[0];
        Assert.Equal(Retrievers.Vector | Retrievers.Keyword, top.FoundBy);
        Assert.Equal(1.0 / (60 + top.VectorRank!.Value) + (search.KeywordWeight / (60 + top.KeywordRank!.Value)), top.Score, 10);
        Assert.NotNull(top.Similarity);
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task SearchAsync_UsesOneRetriever_WhenModeIsVectorOrKeyword()
    {
        (HybridSearch search, _) = await BuildAsync(Bm25IndexTests.Chunk("c1", "refund for cancelled flight"), Bm25IndexTests.Chunk("c2", "wifi not working"));

        var keyword = await search.SearchAsync(new MemoryQuery("refund") { Mode = RetrievalMode.Keyword });
        var vector = await search.SearchAsync(new MemoryQuery("refund") { Mode = RetrievalMode.Vector });

        Assert.All(keyword, r => Assert.Equal(Retrievers.Keyword, r.FoundBy));
        Assert.All(vector, r => Assert.Equal(Retrievers.Vector, r.FoundBy));
        Assert.Equal("c1", keyword.Single().ConversationId);
        Assert.Equal("c1", vector[0].ConversationId);
    }

    [Fact]
    public async Task SearchAsync_AppliesFilterToBothRetrievers_WhenFiltered()
    {
        (HybridSearch search, _) = await BuildAsync(
            Bm25IndexTests.Chunk("c1", "refund please", "acct-a", "billing"),
            Bm25IndexTests.Chunk("c2", "refund please now", "acct-b", "billing"),
            Bm25IndexTests.Chunk("c3", "refund", "acct-b", "other"));

        var results = await search.SearchAsync(new MemoryQuery("refund") { Filter = new VectorFilter { AccountIds = ["acct-b"], Topics = ["billing"] } });

        MemorySearchResult only = Assert.Single(results);
        Assert.Equal(("c2", "acct-b", "billing"), (only.ConversationId, only.AccountId, only.Topic));
    }

    private static async Task<(HybridSearch Search, Bm25Index Keywords)> BuildAsync(params MemoryChunk[] chunks)
    {
        var embedder = new HashingEmbedder(256);
        var store = EmbeddedVectorStore.InMemory();
        await store.EnsureCollectionAsync("chunks", embedder.Dimensions);
        float[][] vectors = await embedder.EmbedAsync([.. chunks.Select(c => c.Text)]);
        await store.UpsertAsync("chunks", [.. chunks.Select((c, i) => new VectorRecord(c, vectors[i]))]);
        var keywords = new Bm25Index();
        keywords.Upsert(chunks);
        return (new HybridSearch(embedder, store, "chunks", keywords), keywords);
    }
}
