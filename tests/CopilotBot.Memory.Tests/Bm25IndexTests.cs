namespace CopilotBot.Memory.Tests;

public sealed class Bm25IndexTests
{
    [Fact]
    public void Search_RanksRareMatchingTermsFirst_WhenSeveralDocumentsMatch()
    {
        using var index = new Bm25Index();
        index.Upsert([Chunk("c1", "my flight was delayed two hours"), Chunk("c2", "flight attendant was lovely"), Chunk("c3", "lost baggage in Denver")]);

        var hits = index.Search("delayed flight", 3);

        Assert.Equal(["c1", "c2"], hits.Select(h => h.Chunk.ConversationId));
    }

    [Fact]
    public void Search_MatchesStems_WhenWordFormsDiffer()
    {
        using var index = new Bm25Index();
        index.Upsert([Chunk("c1", "bags delayed"), Chunk("c2", "seat upgrade")]);

        Assert.Equal("c1", index.Search("bag delays", 5).Single().Chunk.ConversationId);
    }

    [Fact]
    public void Search_AppliesPayloadFilter_WhenGiven()
    {
        using var index = new Bm25Index();
        index.Upsert([Chunk("c1", "refund please", "a"), Chunk("c2", "refund now", "b"), Chunk("c3", "refund again", "b")]);

        var hits = index.Search("refund", 5, new VectorFilter { AccountIds = ["b"], ExcludeConversationIds = ["c3"] });

        Assert.Equal("c2", hits.Single().Chunk.ConversationId);
    }

    [Fact]
    public void Delete_RemovesChunks_WhenByIdOrFilter()
    {
        using var index = new Bm25Index();
        index.Upsert([Chunk("c1", "wifi broken", "a"), Chunk("c2", "wifi slow", "b"), Chunk("c3", "wifi down", "b")]);

        index.Delete([ConversationChunker.ChunkId("c1", 0)]);
        int removed = index.DeleteWhere(VectorFilter.ForAccount("b"));

        Assert.Equal(2, removed);
        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search("wifi", 5));
    }

    [Fact]
    public void Upsert_ReplacesText_WhenIdExists()
    {
        using var index = new Bm25Index();
        index.Upsert([Chunk("c1", "old words")]);

        index.Upsert([Chunk("c1", "new words")]);

        Assert.Equal(1, index.Count);
        Assert.Empty(index.Search("old", 5));
        Assert.Single(index.Search("new", 5));
    }

    internal static MemoryChunk Chunk(string conversation, string text, string? account = null, string? topic = null) =>
        new(ConversationChunker.ChunkId(conversation, 0), conversation, account, 1_700_000_000, topic, null, 0, text);
}
