using CopilotBot.Memory;
using CopilotBot.Workspace.Storage;
using Domain = CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Support;

/// <summary>
/// The retrieval index over the workspace's support conversations. It is brought up to date before searching when the
/// conversations changed since the last check (the table's version moved, or, without versions, their number), and
/// indexing is incremental: only new or changed conversations are embedded.
/// </summary>
public sealed class SupportMemory(
    Func<CancellationToken, Task<MemoryIndexer>> open,
    IConversationStore conversations,
    Func<CancellationToken, Task>? deleteIndex = null,
    IDataVersions? versions = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MemoryIndexer? _indexer;
    /// <summary>The conversations as last indexed: their count and, where the store keeps one, the table's version.</summary>
    private (int Count, long? Version)? _indexed;
    private long _unavailableUntil;

    /// <summary>
    /// After the index fails (Qdrant down, refusing, hanging until its timeout), searches fail at once for this long
    /// instead of each turn waiting through the adapter's retries again; the caller falls back to keyword ranking.
    /// </summary>
    public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A search that finds more conversations than this waiting to be embedded does not wait for them (a sentence model
    /// takes a minute or two for ten thousand on two cores): they are indexed in the background and the search throws
    /// <see cref="IndexBuildingException"/>, so the question is answered by keywords meanwhile and says so.
    /// </summary>
    public int BackgroundAbove { get; set; } = 2000;

    private readonly Lock _backgroundLock = new();
    private Task? _background;
    private volatile string? _progress;

    /// <summary>Indexes what changed; returns the indexer's report, or null when nothing needed doing.</summary>
    public async Task<IndexReport?> EnsureIndexedAsync(IProgress<IndexProgress>? progress, CancellationToken cancellationToken) =>
        await EnsureIndexedAsync(await StateAsync(cancellationToken), progress, cancellationToken);

    /// <summary>Indexes what changed since <paramref name="state"/> was read (the caller's read, not taken again).</summary>
    private async Task<IndexReport?> EnsureIndexedAsync((int Count, long? Version) state, IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        if (_indexer is not null && state == _indexed)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _indexer ??= await open(cancellationToken);
            if (state == _indexed)
            {
                return null;
            }

            IReadOnlyList<Domain.SupportConversation> headers = await conversations.ListAsync(null, null, null, cancellationToken);
            ILookup<string, Domain.ConversationTurn> turns = (await conversations.ListTurnsAsync(null, null, null, cancellationToken)).ToLookup(t => t.ConversationId);
            var items = headers.Select(c => new SupportConversation(
                c.Id, c.AccountId, c.StartedAt, c.Topic, c.Sentiment,
                turns[c.Id].OrderBy(t => t.Seq).Select(t => new ConversationTurn(t.Speaker == Domain.Speaker.Customer ? Speaker.Customer : Speaker.Agent, t.Text)).ToList()));
            IndexReport report = await _indexer.IndexAsync(items, progress, cancellationToken);
            _indexed = state;
            // Topics for conversations outside the vocabulary are found (or joined) as part of indexing, not in a question.
            await _indexer.TopicsAsync(cancellationToken);
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The embedder of the open index (null before the first search or index run).</summary>
    public string? EmbedderId => _indexer?.Embedder.Id;

    /// <summary>
    /// Deletes the index and builds it again from the workspace's conversations, e.g. after the embedder changed
    /// (<see cref="EmbedderMismatchException"/>). Nothing but the index is touched.
    /// </summary>
    public async Task<IndexReport?> RebuildAsync(IProgress<IndexProgress>? progress, CancellationToken cancellationToken)
    {
        if (deleteIndex is null)
        {
            throw new InvalidOperationException("This support index cannot be rebuilt from here.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _indexer?.Dispose();
            _indexer = null;
            _indexed = null;
            await deleteIndex(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        Interlocked.Exchange(ref _unavailableUntil, 0);
        return await EnsureIndexedAsync(progress, cancellationToken);
    }

    public Task<IReadOnlyList<MemorySearchResult>> SearchAsync(MemoryQuery query, CancellationToken cancellationToken) =>
        GuardedAsync(indexer => indexer.CreateSearch().SearchAsync(query, cancellationToken), cancellationToken);

    /// <summary>Conversations at least <paramref name="minSimilarity"/> similar to the text (best chunk), best first.</summary>
    public Task<IReadOnlyList<(string ConversationId, double Similarity)>> SimilarAsync(
        string text, VectorFilter? filter, double minSimilarity, int limit, CancellationToken cancellationToken) =>
        GuardedAsync(indexer => indexer.CreateSearch().SimilarConversationsAsync(text, filter, minSimilarity, limit, cancellationToken), cancellationToken);

    /// <summary>
    /// The topics discovered among conversations outside the product's topic vocabulary, by conversation id, with the
    /// index brought up to date first. While a large index is being built, or when it cannot be, the topics last found
    /// (none before the first build): naming topics never waits for or fails with the search index.
    /// </summary>
    public async Task<ConversationTopics> TopicsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureReadyAsync(cancellationToken);
            return await _indexer!.TopicsAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IndexBuildingException or VectorStoreException or EmbeddingException or EmbedderMismatchException or IOException)
        {
            return _indexer?.LastTopics ?? ConversationTopics.None;
        }
    }

    private async Task<T> GuardedAsync<T>(Func<MemoryIndexer, Task<T>> action, CancellationToken cancellationToken)
    {
        long until = Interlocked.Read(ref _unavailableUntil);
        if (until > Environment.TickCount64)
        {
            throw new VectorStoreException($"The retrieval index failed recently; trying it again in {(until - Environment.TickCount64) / 1000.0:0.#} s.", isTransient: true);
        }

        try
        {
            await EnsureReadyAsync(cancellationToken);
            return await action(_indexer!);
        }
        catch (Exception ex) when (ex is VectorStoreException or EmbeddingException or IOException)
        {
            Interlocked.Exchange(ref _unavailableUntil, Environment.TickCount64 + (long)RetryAfterFailure.TotalMilliseconds);
            throw;
        }
    }

    /// <summary>Indexes inline when little is missing; otherwise starts (or reports) the background build.</summary>
    private async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        (int count, long? version) = await StateAsync(cancellationToken);
        if (_indexer is not null && (count, version) == _indexed)
        {
            return;
        }

        if (_background is { IsCompleted: false })
        {
            throw new IndexBuildingException(_progress ?? "starting");
        }

        await _gate.WaitAsync(cancellationToken);
        int pending;
        try
        {
            _indexer ??= await open(cancellationToken);
            pending = count - _indexer.ConversationCount;
        }
        finally
        {
            _gate.Release();
        }

        if (pending <= BackgroundAbove)
        {
            await EnsureIndexedAsync((count, version), null, cancellationToken);
            return;
        }

        lock (_backgroundLock)
        {
            if (_background is null or { IsCompleted: true })
            {
                _progress = $"0 of {count:N0} conversations";
                var progress = new Progress<IndexProgress>(p => _progress = $"{p.ConversationsSeen:N0} of {count:N0} conversations");
                _background = Task.Run(() => EnsureIndexedAsync(progress, CancellationToken.None));
            }
        }

        throw new IndexBuildingException(_progress ?? "starting");
    }

    /// <summary>The version first, then the count: a write between them makes the next check index again, never miss it.</summary>
    private async Task<(int Count, long? Version)> StateAsync(CancellationToken cancellationToken)
    {
        long? version = versions is null ? null : await versions.GetAsync("conversations", cancellationToken);
        return (await conversations.CountAsync(cancellationToken), version);
    }

    public void Dispose()
    {
        _indexer?.Dispose();
        _gate.Dispose();
    }
}
