using System.Numerics.Tensors;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// The default vector store: one SQLite file per collection in a folder, mirrored in memory for search. Search is exact
/// below <see cref="EmbeddedStoreOptions.AnnThreshold"/> (points of 1,024 dimensions): the filter's posting lists or a float scan for few
/// points, otherwise a scan of 1-bit sketches with error bounds whose candidates are re-scored with floats. From the
/// threshold on, an IVF index (built automatically, its nprobe calibrated for
/// <see cref="EmbeddedStoreOptions.TargetRecall"/>) answers instead. Thread-safe: many readers or one writer per
/// collection.
/// </summary>
public sealed class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly string? _folder;
    private readonly EmbeddedStoreOptions _options;
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private readonly Lock _collectionsLock = new();
    private volatile bool _disposed;
    private int _pendingSamples;

    /// <summary>A store persisted in <paramref name="folder"/> (created on first write). No I/O happens here.</summary>
    public EmbeddedVectorStore(string folder, EmbeddedStoreOptions? options = null)
        : this(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
    }

    private EmbeddedVectorStore(EmbeddedStoreOptions? options)
    {
        _options = options ?? new EmbeddedStoreOptions();
    }

    /// <summary>A store that lives only in memory (benchmarks, throwaway indexes).</summary>
    public static EmbeddedVectorStore InMemory(EmbeddedStoreOptions? options = null) => new(options);

    public Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        lock (_collectionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Collection? existing = FindLocked(collection);
            if (existing is not null)
            {
                if (existing.Data.Dimensions != dimensions)
                {
                    throw new VectorStoreException(
                        $"Collection '{collection}' holds {existing.Data.Dimensions}-dimension vectors but {dimensions} were asked for; " +
                        "its vectors come from another embedder. Delete the collection or use another name.");
                }

                return Task.CompletedTask;
            }

            CollectionFile? file = null;
            if (_folder is not null)
            {
                Directory.CreateDirectory(_folder);
                file = CollectionFile.Create(PathOf(collection), dimensions);
            }

            _collections[collection] = new Collection(new VectorCollection(dimensions, seed: _options.Seed), file);
        }

        return Task.CompletedTask;
    }

    public Task<bool> CollectionExistsAsync(string collection, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        lock (_collectionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.FromResult(FindLocked(collection) is not null);
        }
    }

    public Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        lock (_collectionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_collections.Remove(collection, out Collection? open))
            {
                open.Gate.EnterWriteLock();
                open.File?.Dispose();
                open.Gate.ExitWriteLock();
            }

            if (_folder is not null && Directory.Exists(_folder))
            {
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(PathOf(collection) + suffix);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Collection target = Get(collection);
        foreach (VectorRecord record in records)
        {
            VectorValidation.Vector(record.Vector, target.Data.Dimensions, collection);
        }

        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Normalise once: the file and the memory copy hold the same unit vectors.
        var normalised = records.Select(r => r with { Vector = Normalise(r.Vector) }).ToList();
        target.Gate.EnterWriteLock();
        try
        {
            target.File?.Upsert(normalised);
            foreach (VectorRecord record in normalised)
            {
                target.Data.Upsert(record.Chunk, record.Vector);
            }

            MaintainIndex(target.Data);
        }
        finally
        {
            target.Gate.ExitWriteLock();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VectorHit>> QueryAsync(
        string collection, float[] vector, int limit, VectorFilter? filter = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query(collection, vector, limit, filter, SearchStrategy.Auto));

    /// <summary>
    /// Synchronous query with an explicit strategy (benchmarks and recall checks compare them); <paramref name="nprobe"/>
    /// overrides <see cref="EmbeddedStoreOptions.NProbe"/> and the calibrated value when positive.
    /// </summary>
    public IReadOnlyList<VectorHit> Query(string collection, float[] vector, int limit, VectorFilter? filter, SearchStrategy strategy, int nprobe = 0) =>
        Query(collection, vector, limit, filter, strategy, nprobe, stats: null);

    /// <summary>As the public overload; <paramref name="stats"/> learns which path ran, and <paramref name="partitions"/> = 2
    /// splits a big sketch scan over two threads (the bench compares; on a loaded 2-core machine it does not pay).</summary>
    internal IReadOnlyList<VectorHit> Query(
        string collection, float[] vector, int limit, VectorFilter? filter, SearchStrategy strategy, int nprobe, SearchStats? stats, int partitions = 1) =>
        QueryCore(collection, vector, limit, filter, strategy, nprobe, stats, partitions);

    /// <summary>The scalar-loop scan without filters: the bench's baseline for the SIMD exact search.</summary>
    public IReadOnlyList<VectorHit> QueryNaive(string collection, float[] vector, int limit)
    {
        Collection target = Get(collection);
        VectorValidation.Vector(vector, target.Data.Dimensions, collection);
        float[] query = Normalise(vector);
        target.Gate.EnterReadLock();
        try
        {
            return [.. target.Data.SearchNaive(query, limit).Sorted().Select(h => new VectorHit(target.Data.Chunk(h.Slot), h.Score))];
        }
        finally
        {
            target.Gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Builds (or rebuilds) the IVF index and calibrates its nprobe; returns its list count. <see cref="SearchStrategy.Auto"/>
    /// builds it by itself once a collection reaches <see cref="EmbeddedStoreOptions.AnnThreshold"/>. Once built it is kept
    /// up to date on writes and retrained when the collection doubles or halves.
    /// </summary>
    public int BuildAnnIndex(string collection)
    {
        Collection target = Get(collection);
        target.Gate.EnterWriteLock();
        try
        {
            BuildIndex(target.Data);
            return target.Data.Ivf!.NList;
        }
        finally
        {
            target.Gate.ExitWriteLock();
        }
    }

    private IReadOnlyList<VectorHit> QueryCore(
        string collection, float[] vector, int limit, VectorFilter? filter, SearchStrategy strategy, int nprobe, SearchStats? stats, int partitions)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Collection target = Get(collection);
        VectorValidation.Vector(vector, target.Data.Dimensions, collection);
        if (filter?.MatchesNothing == true)
        {
            return [];
        }

        float[] query = Normalise(vector);
        target.Gate.EnterReadLock();
        try
        {
            VectorCollection data = target.Data;
            SlotFilter? slotFilter = filter is null || filter.IsEmpty ? null : new SlotFilter(filter, data);
            bool automatic = strategy == SearchStrategy.Auto;
            if (automatic)
            {
                strategy = data.Ivf is not null && AboveAnnThreshold(data, 1) ? SearchStrategy.Ivf : SearchStrategy.Quantized;
            }

            TopK top;
            if (strategy == SearchStrategy.Ivf && data.Ivf is not null)
            {
                IvfIndex ivf = data.Ivf;
                top = data.SearchIvf(query, limit, slotFilter, NProbe(ivf, nprobe), stats);
                // A selective filter can leave the probed lists short of matches: fall back to exact.
                if (top.Count < limit && slotFilter is not null)
                {
                    top = data.Search(query, limit, slotFilter, stats);
                }

                if (automatic && nprobe <= 0 && _options.NProbe <= 0 && ivf.Monitor.ShouldSample())
                {
                    // Teach the index how many lists queries like this one need; an exact search, so not on this caller's time.
                    Interlocked.Increment(ref _pendingSamples);
                    ThreadPool.QueueUserWorkItem(static state => state.Store.SampleInBackground(state.Target, state.Index, state.Query), (Store: this, Target: target, Index: ivf, Query: query), preferLocal: false);
                }
            }
            else if (strategy == SearchStrategy.Exact)
            {
                top = data.SearchExact(query, limit, slotFilter);
                stats?.Record("float", data.Count, data.Count);
            }
            else
            {
                top = data.Search(query, limit, slotFilter, stats, partitions);
            }

            return [.. top.Sorted().Select(h => new VectorHit(data.Chunk(h.Slot), h.Score))];
        }
        finally
        {
            target.Gate.ExitReadLock();
        }
    }

    /// <summary>The collection's IVF index, if any (bench and tests read its calibration).</summary>
    internal IvfIndex? AnnIndex(string collection) => Get(collection).Data.Ivf;

    /// <summary>
    /// Feeds sample queries to the IVF index's recall monitor, as <see cref="SearchStrategy.Auto"/> queries do in the
    /// background (the bench warms it up with questions it does not measure).
    /// </summary>
    internal void SampleAnnRecall(string collection, IEnumerable<float[]> queries)
    {
        Collection target = Get(collection);
        foreach (float[] query in queries)
        {
            SampleRecall(target, target.Data.Ivf ?? throw new InvalidOperationException("No ANN index to sample."), Normalise(query));
        }
    }

    private void SampleInBackground(Collection target, IvfIndex index, float[] query)
    {
        try
        {
            if (!_disposed)
            {
                SampleRecall(target, index, query);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingSamples);
        }
    }

    private static void SampleRecall(Collection target, IvfIndex index, float[] query)
    {
        target.Gate.EnterReadLock();
        try
        {
            // The index may have been rebuilt meanwhile; a sample of the old one teaches nothing.
            if (target.Data.Ivf == index)
            {
                index.Sample(query);
            }
        }
        finally
        {
            target.Gate.ExitReadLock();
        }
    }

    public Task DeleteAsync(string collection, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Collection target = Get(collection);
        if (ids.Count > 0)
        {
            Remove(target, ids);
        }

        return Task.CompletedTask;
    }

    public Task DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.IsEmpty)
        {
            throw new ArgumentException("Refusing to delete by an empty filter (it would delete everything); use DeleteCollectionAsync.", nameof(filter));
        }

        Collection target = Get(collection);
        if (filter.MatchesNothing)
        {
            return Task.CompletedTask;
        }

        List<Guid> ids;
        target.Gate.EnterReadLock();
        try
        {
            ids = target.Data.IdsMatching(filter);
        }
        finally
        {
            target.Gate.ExitReadLock();
        }

        Remove(target, ids);
        return Task.CompletedTask;
    }

    public Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        Collection target = Get(collection);
        if (filter?.MatchesNothing == true)
        {
            return Task.FromResult(0L);
        }

        target.Gate.EnterReadLock();
        try
        {
            return Task.FromResult(target.Data.CountMatching(filter));
        }
        finally
        {
            target.Gate.ExitReadLock();
        }
    }

    public void Dispose()
    {
        lock (_collectionsLock)
        {
            _disposed = true;
            // Recall samples queued by queries hold read locks: let them finish before the locks go away.
            SpinWait.SpinUntil(() => Volatile.Read(ref _pendingSamples) == 0);
            foreach (Collection collection in _collections.Values)
            {
                collection.File?.Dispose();
                collection.Gate.Dispose();
            }

            _collections.Clear();
        }
    }

    private void Remove(Collection target, IReadOnlyCollection<Guid> ids)
    {
        target.Gate.EnterWriteLock();
        try
        {
            target.File?.Delete(ids);
            foreach (Guid id in ids)
            {
                target.Data.Delete(id);
            }

            MaintainIndex(target.Data);
        }
        finally
        {
            target.Gate.ExitWriteLock();
        }
    }

    // Build the IVF index when the collection reaches the threshold (this write pays for it, once), retrain it when the
    // collection has doubled or halved since training, as the centroids no longer fit the data, and drop it when the
    // collection falls well below the threshold (exact search answers there).
    private void MaintainIndex(VectorCollection data)
    {
        if (data.Ivf is null)
        {
            if (AboveAnnThreshold(data, 1))
            {
                BuildIndex(data);
            }
        }
        else if (!AboveAnnThreshold(data, 0.5))
        {
            data.DropIvf();
        }
        else if (data.Count > data.Ivf.TrainedCount * 2 || data.Count < data.Ivf.TrainedCount / 2)
        {
            BuildIndex(data);
        }
    }

    // Exact search reads one sketch bit per (padded) dimension of every point, so its cost follows points × dimensions;
    // the threshold counts points of 1,024 dimensions.
    private bool AboveAnnThreshold(VectorCollection data, double fraction) =>
        (double)data.Count * data.Sketch.Bits >= fraction * _options.AnnThreshold * 1024.0;

    private void BuildIndex(VectorCollection data)
    {
        int nlist = _options.NList > 0 ? _options.NList : Math.Clamp((int)Math.Sqrt(data.Count), 1, 4096);
        data.BuildIvf(nlist, _options.Seed, _options.TargetRecall);
    }

    private int NProbe(IvfIndex index, int requested) =>
        Math.Min(index.NList, requested > 0 ? requested : _options.NProbe > 0 ? _options.NProbe : index.Monitor.NProbe);

    private Collection Get(string collection)
    {
        VectorValidation.CollectionName(collection);
        lock (_collectionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return FindLocked(collection) ?? throw new CollectionNotFoundException(collection);
        }
    }

    private Collection? FindLocked(string collection)
    {
        if (_collections.TryGetValue(collection, out Collection? open))
        {
            return open;
        }

        if (_folder is null || !File.Exists(PathOf(collection)))
        {
            return null;
        }

        // First use since the process started: load the file into memory.
        CollectionFile file = CollectionFile.Open(PathOf(collection));
        var loaded = new Collection(file.Load(_options.Seed), file);
        _collections[collection] = loaded;
        return loaded;
    }

    private string PathOf(string collection) => Path.Combine(_folder!, collection + ".vectors.sqlite");

    private static float[] Normalise(float[] vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        var result = new float[vector.Length];
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, result);
        }

        return result;
    }

    private sealed class Collection(VectorCollection data, CollectionFile? file)
    {
        public VectorCollection Data { get; } = data;

        public CollectionFile? File { get; } = file;

        public ReaderWriterLockSlim Gate { get; } = new();
    }
}
