using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;

namespace CopilotBot.Memory;

/// <summary>
/// Keeps the vector store and the BM25 index in step with the support conversations: embeds only new or changed
/// conversations (by content hash), deletes chunks a conversation no longer has, deletes whole accounts. Its catalog
/// (a SQLite file in the index folder) records the embedder that built the index and refuses any other.
/// </summary>
public sealed class MemoryIndexer : IDisposable
{
    private const string CatalogFile = "memory-catalog.sqlite";

    private readonly MemoryCatalog _catalog;
    private readonly ConversationChunker _chunker;
    private readonly Dictionary<string, IndexedConversation> _conversations;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly MemoryIndexerOptions _options;
    private volatile bool _topicsStale = true;
    private volatile ConversationTopics? _topics;
    /// <summary>Conversations indexed, changed or removed since the topics were last assigned (guarded by the writer lock).</summary>
    private readonly HashSet<string> _topicsChanged = new(StringComparer.Ordinal);

    private MemoryIndexer(
        MemoryCatalog catalog,
        ITextEmbedder embedder,
        IVectorStore store,
        MemoryIndexerOptions options,
        Dictionary<string, IndexedConversation> conversations,
        Bm25Index keywords)
    {
        _catalog = catalog;
        _options = options;
        _chunker = new ConversationChunker(options.Chunking);
        _conversations = conversations;
        Embedder = embedder;
        Store = store;
        Keywords = keywords;
    }

    public ITextEmbedder Embedder { get; }

    public IVectorStore Store { get; }

    /// <summary>The BM25 index, rebuilt from the catalog on open.</summary>
    public Bm25Index Keywords { get; }

    public string Collection => _options.Collection;

    /// <summary>Conversations currently indexed.</summary>
    public int ConversationCount
    {
        get
        {
            lock (_conversations)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the index in <paramref name="folder"/>: checks the embedder against the one recorded, ensures
    /// the collection, and rebuilds BM25 from the catalog. Throws <see cref="EmbedderMismatchException"/> on a mismatch.
    /// </summary>
    public static async Task<MemoryIndexer> OpenAsync(
        string folder, ITextEmbedder embedder, IVectorStore store, MemoryIndexerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new MemoryIndexerOptions();
        VectorValidation.CollectionName(options.Collection);
        Directory.CreateDirectory(folder);
        MemoryCatalog catalog = MemoryCatalog.Open(Path.Combine(folder, CatalogFile));
        try
        {
            string? recorded = catalog.GetMeta("embedder_id");
            int recordedDimensions = int.Parse(catalog.GetMeta("dimensions") ?? "0", CultureInfo.InvariantCulture);
            if (recorded is not null && (recorded != embedder.Id || recordedDimensions != embedder.Dimensions))
            {
                throw new EmbedderMismatchException(folder, recorded, recordedDimensions, embedder.Id, embedder.Dimensions);
            }

            string? collection = catalog.GetMeta("collection");
            if (collection is not null && collection != options.Collection)
            {
                throw new InvalidOperationException(
                    $"The memory index at {folder} indexes collection '{collection}', not '{options.Collection}'; use one folder per collection.");
            }

            await store.EnsureCollectionAsync(options.Collection, embedder.Dimensions, cancellationToken);
            catalog.SetMeta("embedder_id", embedder.Id);
            catalog.SetMeta("dimensions", MemoryCatalog.Format(embedder.Dimensions));
            catalog.SetMeta("collection", options.Collection);

            var keywords = new Bm25Index();
            keywords.Upsert(catalog.LoadChunks());
            return new MemoryIndexer(catalog, embedder, store, options, catalog.LoadConversations(), keywords);
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes the index in <paramref name="folder"/> (its collection in the store and its catalog) so the next
    /// <see cref="OpenAsync"/> builds it anew, e.g. with another embedder. The conversations themselves live elsewhere.
    /// </summary>
    public static async Task DeleteIndexAsync(string folder, IVectorStore store, MemoryIndexerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new MemoryIndexerOptions();
        string path = Path.Combine(folder, CatalogFile);
        string collection = options.Collection;
        if (File.Exists(path))
        {
            using MemoryCatalog catalog = MemoryCatalog.Open(path);
            collection = catalog.GetMeta("collection") ?? collection;
        }

        await store.DeleteCollectionAsync(collection, cancellationToken);
        foreach (string file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Hybrid search over this index.</summary>
    public HybridSearch CreateSearch() => new(Embedder, Store, Collection, Keywords);

    /// <summary>
    /// Indexes new or changed conversations; unchanged ones are skipped without embedding. Conversations not passed in
    /// are left alone (use <see cref="DeleteConversationsAsync"/> or <see cref="DeleteAccountAsync"/> to remove).
    /// </summary>
    public async Task<IndexReport> IndexAsync(
        IEnumerable<SupportConversation> conversations, IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            int seen = 0, unchanged = 0, embedded = 0, chunksEmbedded = 0, chunksDeleted = 0;
            foreach (SupportConversation[] batch in conversations.Chunk(_options.BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                seen += batch.Length;
                // Last copy wins when a batch repeats a conversation id.
                var changed = new List<(SupportConversation Conversation, string Hash)>();
                foreach (SupportConversation conversation in batch.Reverse().DistinctBy(c => c.Id).Reverse())
                {
                    string hash = _chunker.ContentHash(conversation);
                    if (Known(conversation.Id)?.Hash == hash)
                    {
                        unchanged++;
                        continue;
                    }

                    changed.Add((conversation, hash));
                }

                (int chunks, int deleted) = await IndexBatchAsync(changed, cancellationToken);
                embedded += changed.Count;
                chunksEmbedded += chunks;
                chunksDeleted += deleted;
                progress?.Report(new IndexProgress(seen, embedded, chunksEmbedded, clock.Elapsed));
            }

            return new IndexReport(seen, unchanged, embedded, chunksEmbedded, chunksDeleted, clock.Elapsed);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Removes every vector and keyword entry of an account (delete by filter); returns the conversations removed.</summary>
    public async Task<int> DeleteAccountAsync(string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            VectorFilter filter = VectorFilter.ForAccount(accountId);
            await Store.DeleteByFilterAsync(Collection, filter, cancellationToken);
            Keywords.DeleteWhere(filter);
            List<string> ids;
            lock (_conversations)
            {
                ids = [.. _conversations.Where(c => c.Value.AccountId == accountId).Select(c => c.Key)];
                foreach (string id in ids)
                {
                    _conversations.Remove(id);
                }
            }

            _catalog.DeleteConversations(ids);
            TopicsChanged(ids);
            return ids.Count;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Removes conversations (all their chunks); unknown ids are ignored. Returns how many were removed.</summary>
    public async Task<int> DeleteConversationsAsync(IEnumerable<string> conversationIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationIds);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var removed = new List<(string Id, IndexedConversation State)>();
            foreach (string id in conversationIds.Distinct(StringComparer.Ordinal))
            {
                if (Known(id) is IndexedConversation state)
                {
                    removed.Add((id, state));
                }
            }

            var chunkIds = removed.SelectMany(r => Enumerable.Range(0, r.State.ChunkCount).Select(i => ConversationChunker.ChunkId(r.Id, i))).ToList();
            await Store.DeleteAsync(Collection, chunkIds, cancellationToken);
            Keywords.Delete(chunkIds);
            lock (_conversations)
            {
                foreach ((string id, _) in removed)
                {
                    _conversations.Remove(id);
                }
            }

            _catalog.DeleteConversations(removed.Select(r => r.Id));
            TopicsChanged(removed.Select(r => r.Id));
            return removed.Count;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// The topic of each indexed conversation outside the product's topic vocabulary, by name ("delay"), from the topics
    /// discovered among them (<see cref="TopicDiscovery"/>). Topics are found again only when the number of such
    /// conversations has moved by a quarter since they were last found (and keep their names where the clusters are
    /// still there); otherwise new conversations join the nearest topic, so names stay put as conversations arrive.
    /// Empty with fewer than <see cref="TopicDiscovery.MinConversations"/> of them.
    /// </summary>
    /// <summary>The topics as last computed by <see cref="TopicsAsync"/>, without waiting for an index run in progress.</summary>
    public ConversationTopics? LastTopics => _topics;

    public async Task<ConversationTopics> TopicsAsync(CancellationToken cancellationToken = default)
    {
        if (!_topicsStale && _topics is { } cached)
        {
            return cached;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (!_topicsStale && _topics is { } fresh)
            {
                return fresh;
            }

            // Usually only a few conversations arrived or changed: they join the nearest topic, and the others keep theirs
            // without reading every vector again.
            if (_topics is { Model.Topics.Count: > 0 } current)
            {
                var updated = new Dictionary<string, string>(current.Names, StringComparer.Ordinal);
                foreach (string id in _topicsChanged)
                {
                    updated.Remove(id);
                }

                foreach ((string id, float[] vector) in _catalog.LoadUntopicalVectors(_topicsChanged))
                {
                    updated[id] = current.Model.Nearest(vector)!.Name;
                }

                if (Math.Abs(updated.Count - current.Model.Basis) <= current.Model.Basis / 4.0 && updated.Count >= TopicDiscovery.MinConversations)
                {
                    return Publish(new ConversationTopics(current.Model, updated));
                }
            }

            List<TopicInput> items = _catalog.LoadUntopical();
            TopicModel model = _catalog.LoadTopics();
            bool drifted = model.Topics.Count == 0
                ? items.Count >= TopicDiscovery.MinConversations
                : Math.Abs(items.Count - model.Basis) > model.Basis / 4.0 || items.Count < TopicDiscovery.MinConversations;
            if (drifted)
            {
                model = TopicDiscovery.Discover(items, model);
                _catalog.SaveTopics(model);
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (TopicInput item in items)
            {
                if (model.Nearest(item.Vector) is { } topic)
                {
                    names[item.Id] = topic.Name;
                }
            }

            return Publish(new ConversationTopics(model, names));
        }
        finally
        {
            _writer.Release();
        }

        ConversationTopics Publish(ConversationTopics topics)
        {
            _topics = topics;
            _topicsChanged.Clear();
            _topicsStale = false;
            return topics;
        }
    }

    /// <summary>Marks conversations for topic assignment; called under the writer lock.</summary>
    private void TopicsChanged(IEnumerable<string> conversationIds)
    {
        _topicsChanged.UnionWith(conversationIds);
        _topicsStale = true;
    }

    public void Dispose()
    {
        _catalog.Dispose();
        Keywords.Dispose();
        _writer.Dispose();
    }

    private async Task<(int Chunks, int Deleted)> IndexBatchAsync(
        List<(SupportConversation Conversation, string Hash)> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return (0, 0);
        }

        var chunked = changed.Select(c => (c.Conversation, c.Hash, Chunks: _chunker.Chunk(c.Conversation))).ToList();
        var chunks = chunked.SelectMany(c => c.Chunks).ToList();
        float[][] vectors = await Embedder.EmbedAsync([.. chunks.Select(c => ConversationChunker.EmbeddingText(c.Text))], cancellationToken);
        if (vectors.Length != chunks.Count)
        {
            throw new EmbeddingException($"Embedder '{Embedder.Id}' returned {vectors.Length} vectors for {chunks.Count} texts.");
        }

        // Store first, catalog last: if anything fails in between, the hash is not recorded and the next run redoes
        // the conversation; chunk ids are deterministic, so redoing it overwrites instead of duplicating.
        await Store.UpsertAsync(Collection, [.. chunks.Select((c, i) => new VectorRecord(c, vectors[i]))], cancellationToken);
        var stale = new List<Guid>();
        foreach ((SupportConversation conversation, _, IReadOnlyList<MemoryChunk> conversationChunks) in chunked)
        {
            int before = Known(conversation.Id)?.ChunkCount ?? 0;
            for (int i = conversationChunks.Count; i < before; i++)
            {
                stale.Add(ConversationChunker.ChunkId(conversation.Id, i));
            }
        }

        if (stale.Count > 0)
        {
            await Store.DeleteAsync(Collection, stale, cancellationToken);
            Keywords.Delete(stale);
        }

        Keywords.Upsert(chunks);
        // Each conversation's vector for topic discovery: the unit-length mean of its chunks' vectors (none without chunks).
        var rows = new List<(string Id, IndexedConversation State, IReadOnlyList<MemoryChunk> Chunks, float[]? Vector)>(chunked.Count);
        int offset = 0;
        foreach ((SupportConversation conversation, string hash, IReadOnlyList<MemoryChunk> conversationChunks) in chunked)
        {
            float[]? mean = conversationChunks.Count == 0 ? null : new float[Embedder.Dimensions];
            for (int i = 0; i < conversationChunks.Count; i++)
            {
                TensorPrimitives.Add(mean, vectors[offset + i], mean);
            }

            float norm = mean is null ? 0 : TensorPrimitives.Norm(mean);
            if (mean is not null && norm > 0)
            {
                TensorPrimitives.Divide(mean, norm, mean);
            }

            offset += conversationChunks.Count;
            rows.Add((conversation.Id, new IndexedConversation(conversation.AccountId, hash, conversationChunks.Count), conversationChunks, norm > 0 ? mean : null));
        }

        _catalog.Save(rows);
        TopicsChanged(rows.Select(r => r.Id));
        lock (_conversations)
        {
            foreach ((string id, IndexedConversation state, _, _) in rows)
            {
                _conversations[id] = state;
            }
        }

        return (chunks.Count, stale.Count);
    }

    private IndexedConversation? Known(string conversationId)
    {
        lock (_conversations)
        {
            return _conversations.GetValueOrDefault(conversationId);
        }
    }
}
