using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests;

public sealed class MemoryIndexerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task IndexAsync_EmbedsOnlyNewOrChanged_WhenCalledAgain()
    {
        var embedder = new CountingEmbedder(new HashingEmbedder(128));
        using var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, embedder, store);
        SupportConversation[] conversations = [Conv("a", 3), Conv("b", 3), Conv("c", 3)];
        await indexer.IndexAsync(conversations);
        int afterFirst = embedder.TextsEmbedded;

        IndexReport report = await indexer.IndexAsync([conversations[0], conversations[1] with { Topic = "login" }, Conv("d", 3)]);

        Assert.Equal(3, afterFirst);
        Assert.Equal((3, 1, 2, 2), (report.Seen, report.Unchanged, report.Embedded, report.ChunksEmbedded));
        Assert.Equal(5, embedder.TextsEmbedded);
        Assert.Equal(4, await store.CountAsync(indexer.Collection));
        Assert.Equal("login", (await indexer.CreateSearch().SearchAsync(new MemoryQuery("turn") { Filter = new VectorFilter { Topics = ["login"] } })).Single().Topic);
    }

    [Fact]
    public async Task IndexAsync_DeletesStaleChunks_WhenConversationShrinks()
    {
        using var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(128), store);
        await indexer.IndexAsync([Conv("long", 20)]);
        Assert.Equal(3, await store.CountAsync(indexer.Collection));

        IndexReport report = await indexer.IndexAsync([Conv("long", 4)]);

        Assert.Equal(2, report.ChunksDeleted);
        Assert.Equal(1, await store.CountAsync(indexer.Collection));
        Assert.Equal(1, indexer.Keywords.Count);
    }

    [Fact]
    public async Task DeleteAccountAsync_RemovesVectorsAndKeywords_WhenAccountHasConversations()
    {
        using var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(128), store);
        await indexer.IndexAsync([Conv("a1", 3, "acct-a"), Conv("a2", 20, "acct-a"), Conv("b1", 3, "acct-b")]);

        int removed = await indexer.DeleteAccountAsync("acct-a");

        Assert.Equal(2, removed);
        Assert.Equal(1, await store.CountAsync(indexer.Collection));
        Assert.Equal(1, indexer.Keywords.Count);
        Assert.Equal(1, indexer.ConversationCount);
    }

    [Fact]
    public async Task OpenAsync_RebuildsKeywordsAndSkipsUnchanged_WhenReopened()
    {
        string vectors = Path.Combine(_folder.Path, "vectors");
        using (var store = new EmbeddedVectorStore(vectors))
        using (MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(128), store))
        {
            await indexer.IndexAsync([Conv("a", 3), Conv("b", 20)]);
        }

        var embedder = new CountingEmbedder(new HashingEmbedder(128));
        using var reopenedStore = new EmbeddedVectorStore(vectors);
        using MemoryIndexer reopened = await MemoryIndexer.OpenAsync(_folder.Path, embedder, reopenedStore);
        IndexReport report = await reopened.IndexAsync([Conv("a", 3), Conv("b", 20)]);

        Assert.Equal(4, reopened.Keywords.Count);
        Assert.Equal((2, 0), (report.Unchanged, embedder.TextsEmbedded));
    }

    [Fact]
    public async Task OpenAsync_ThrowsNamingBothEmbedders_WhenEmbedderDiffers()
    {
        using (var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors")))
        using (MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(128), store))
        {
            await indexer.IndexAsync([Conv("a", 3)]);
        }

        using var again = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        var error = await Assert.ThrowsAsync<EmbedderMismatchException>(() => MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(256), again));

        Assert.Contains("'hashing-v1-128' (128 dimensions)", error.Message);
        Assert.Contains("'hashing-v1-256' (256 dimensions)", error.Message);
    }

    [Fact]
    public async Task DeleteIndexAsync_LetsAnotherEmbedderBuildIt_WhenTheOldOneIsRefused()
    {
        string vectors = Path.Combine(_folder.Path, "vectors");
        using (var store = new EmbeddedVectorStore(vectors))
        using (MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(128), store))
        {
            await indexer.IndexAsync([Conv("a", 3), Conv("b", 4)]);
        }

        using var again = new EmbeddedVectorStore(vectors);
        await Assert.ThrowsAsync<EmbedderMismatchException>(() => MemoryIndexer.OpenAsync(_folder.Path, new MiniLmEmbedder(), again));
        await MemoryIndexer.DeleteIndexAsync(_folder.Path, again);
        using MemoryIndexer rebuilt = await MemoryIndexer.OpenAsync(_folder.Path, new MiniLmEmbedder(), again);
        IndexReport report = await rebuilt.IndexAsync([Conv("a", 3), Conv("b", 4)]);

        Assert.Equal((2, 0), (report.Embedded, report.Unchanged));
        Assert.Equal(384, rebuilt.Embedder.Dimensions);
        Assert.Equal(report.ChunksEmbedded, await again.CountAsync(rebuilt.Collection));
    }

    private static SupportConversation Conv(string id, int turns, string account = "acct-1") =>
        ConversationChunkerTests.Conversation(id, turns, account);
}
