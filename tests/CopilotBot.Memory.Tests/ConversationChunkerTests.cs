namespace CopilotBot.Memory.Tests;

public sealed class ConversationChunkerTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Chunk_ReturnsOneChunkWithPayload_WhenConversationIsShort()
    {
        var conversation = Conversation("conv-1", 3);

        MemoryChunk chunk = Assert.Single(new ConversationChunker().Chunk(conversation));

        Assert.Equal(ConversationChunker.ChunkId("conv-1", 0), chunk.Id);
        Assert.Equal(("conv-1", "acct-7", Start.ToUnixTimeSeconds(), "billing", -0.4, 0), (chunk.ConversationId, chunk.AccountId, chunk.Timestamp, chunk.Topic, chunk.Sentiment!.Value, chunk.ChunkIndex));
        Assert.Equal("Customer: turn 0\nAgent: turn 1\nCustomer: turn 2", chunk.Text);
    }

    [Fact]
    public void Chunk_SplitsWithOneTurnOverlap_WhenMoreTurnsThanMax()
    {
        var conversation = Conversation("conv-2", 20);

        IReadOnlyList<MemoryChunk> chunks = new ConversationChunker().Chunk(conversation);

        // 8 turns, then 7 new + 1 repeated, then the remaining 5 + 1 repeated.
        Assert.Equal([0, 1, 2], chunks.Select(c => c.ChunkIndex));
        Assert.StartsWith("Agent: turn 7", chunks[1].Text);
        Assert.EndsWith("turn 14", chunks[1].Text);
        Assert.StartsWith("Customer: turn 14", chunks[2].Text);
        Assert.EndsWith("turn 19", chunks[2].Text);
    }

    [Fact]
    public void Chunk_KeepsChunksUnderCharacterBudget_WhenTurnsAreLong()
    {
        string longText = string.Join(' ', Enumerable.Repeat("luggage", 600));
        var conversation = Conversation("conv-3", 2) with { Turns = [new(Speaker.Customer, longText), new(Speaker.Agent, "We will look into it.")] };

        IReadOnlyList<MemoryChunk> chunks = new ConversationChunker().Chunk(conversation);

        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 1500, $"chunk of {c.Text.Length} chars"));
        Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void ChunkId_IsStableUuidV5_WhenCalledTwice()
    {
        Guid first = ConversationChunker.ChunkId("conv-1", 3);

        Assert.Equal(first, ConversationChunker.ChunkId("conv-1", 3));
        Assert.NotEqual(first, ConversationChunker.ChunkId("conv-1", 4));
        Assert.Equal(5, first.Version);
    }

    [Fact]
    public void ContentHash_Changes_WhenTextOrPayloadChanges()
    {
        var chunker = new ConversationChunker();
        var conversation = Conversation("conv-1", 3);

        string hash = chunker.ContentHash(conversation);

        Assert.Equal(hash, chunker.ContentHash(Conversation("conv-1", 3)));
        Assert.NotEqual(hash, chunker.ContentHash(conversation with { Topic = "login" }));
        Assert.NotEqual(hash, chunker.ContentHash(conversation with { Turns = [.. conversation.Turns, new(Speaker.Customer, "again")] }));
        Assert.NotEqual(hash, new ConversationChunker(new ChunkerOptions { MaxTurns = 4 }).ContentHash(conversation));
    }

    internal static SupportConversation Conversation(string id, int turns, string? account = "acct-7", string? topic = "billing") => new(
        id, account, Start, topic, -0.4,
        [.. Enumerable.Range(0, turns).Select(i => new ConversationTurn(i % 2 == 0 ? Speaker.Customer : Speaker.Agent, $"turn {i}"))]);
}
