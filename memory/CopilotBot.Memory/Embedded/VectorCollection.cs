using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Numerics.Tensors;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// One collection in memory: normalised vectors in one contiguous array (slot × dims), a sign sketch per slot, payload
/// in parallel arrays with posting lists per account and topic, and a bitset of live slots. Deleted slots are reused,
/// so slot numbers stay stable for the IVF lists. Not thread-safe for writes: the store locks around it; any number of
/// searches may run at once.
/// </summary>
internal sealed class VectorCollection
{
    /// <summary>Below this many points a float scan costs about as much as the sketch scan's fixed costs.</summary>
    internal const int SketchThreshold = 4_096;

    private const int ParallelScanThreshold = 65_536;

    /// <summary>Re-scores after which an IVF query gives up on its lists and searches exactly (at least; n / 512 above).</summary>
    private const int IvfRescoreBudget = 1_024;

    /// <summary>Points from which a sketch scan asked for two partitions splits (below, a thread hop costs more than it saves).</summary>
    private const int ParallelSketchThreshold = 65_536;

    private readonly Dictionary<Guid, int> _slots = [];
    private readonly Stack<int> _free = new();
    private readonly RandomRotation _rotation;
    private readonly SignSketch _sketch;
    private readonly float[] _rotated;
    private float[] _vectors;
    private MemoryChunk?[] _chunks;
    private ulong[] _live;
    private IvfIndex? _ivf;

    public VectorCollection(int dimensions, int capacity = 1024, int seed = 17)
    {
        Dimensions = dimensions;
        capacity = RoundUp(Math.Max(64, capacity));
        _vectors = new float[(long)capacity * dimensions];
        _chunks = new MemoryChunk?[capacity];
        _live = new ulong[capacity / 64];
        AccountKeys = new int[capacity];
        TopicKeys = new int[capacity];
        ConversationKeys = new int[capacity];
        Timestamps = new long[capacity];
        _rotation = new RandomRotation(dimensions, seed);
        _sketch = new SignSketch(_rotation.PaddedDimensions, capacity);
        _rotated = new float[_rotation.PaddedDimensions];
    }

    public int Dimensions { get; }

    public int Count => _slots.Count;

    /// <summary>One past the highest slot ever used: scans run over [0, HighWater).</summary>
    public int HighWater { get; private set; }

    public int Capacity => _chunks.Length;

    public Interner Accounts { get; } = new();

    public Interner Topics { get; } = new();

    public Interner Conversations { get; } = new();

    public Postings AccountPostings { get; } = new();

    public Postings TopicPostings { get; } = new();

    public int[] AccountKeys { get; private set; }

    public int[] TopicKeys { get; private set; }

    public int[] ConversationKeys { get; private set; }

    public long[] Timestamps { get; private set; }

    /// <summary>Bit s set when slot s holds a point.</summary>
    public ReadOnlySpan<ulong> Live => _live;

    public RandomRotation Rotation => _rotation;

    public SignSketch Sketch => _sketch;

    public IvfIndex? Ivf => _ivf;

    public ReadOnlySpan<float> Vector(int slot) => _vectors.AsSpan((int)((long)slot * Dimensions), Dimensions);

    public bool IsLive(int slot) => _chunks[slot] is not null;

    public MemoryChunk Chunk(int slot) => _chunks[slot]!;

    /// <summary>Stores a copy of <paramref name="vector"/>, normalised (cosine becomes a dot product), and its sketch.</summary>
    public void Upsert(MemoryChunk chunk, ReadOnlySpan<float> vector)
    {
        if (_slots.TryGetValue(chunk.Id, out int slot))
        {
            _ivf?.Remove(slot);
            AccountPostings.Remove(AccountKeys[slot], slot);
            TopicPostings.Remove(TopicKeys[slot], slot);
        }
        else
        {
            slot = _free.Count > 0 ? _free.Pop() : HighWater++;
            if (slot >= Capacity)
            {
                Grow();
            }

            _slots[chunk.Id] = slot;
        }

        Span<float> target = _vectors.AsSpan((int)((long)slot * Dimensions), Dimensions);
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, target);
        }
        else
        {
            target.Clear();
        }

        _rotation.Rotate(target, _rotated);
        _sketch.Set(slot, _rotated);
        _chunks[slot] = chunk;
        AccountKeys[slot] = Accounts.Intern(chunk.AccountId);
        TopicKeys[slot] = Topics.Intern(chunk.Topic);
        ConversationKeys[slot] = Conversations.Intern(chunk.ConversationId);
        Timestamps[slot] = chunk.Timestamp;
        AccountPostings.Add(AccountKeys[slot], slot);
        TopicPostings.Add(TopicKeys[slot], slot);
        _live[slot >> 6] |= 1UL << slot;
        _ivf?.Add(slot, target);
    }

    public bool Delete(Guid id)
    {
        if (!_slots.Remove(id, out int slot))
        {
            return false;
        }

        _ivf?.Remove(slot);
        AccountPostings.Remove(AccountKeys[slot], slot);
        TopicPostings.Remove(TopicKeys[slot], slot);
        _live[slot >> 6] &= ~(1UL << slot);
        _chunks[slot] = null;
        _free.Push(slot);
        return true;
    }

    public List<Guid> IdsMatching(VectorFilter filter)
    {
        var ids = new List<Guid>();
        new SlotFilter(filter, this).ForEachMatch(_live, ref ids, (ref List<Guid> list, int slot) => list.Add(_chunks[slot]!.Id));
        return ids;
    }

    public long CountMatching(VectorFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return Count;
        }

        long count = 0;
        new SlotFilter(filter, this).ForEachMatch(_live, ref count, static (ref long n, int slot) => n++);
        return count;
    }

    /// <summary>
    /// Exact top-k, the fast way: the filter's posting lists when they hold few points, a float scan when the collection
    /// is small, otherwise the two-pass sketch scan (<see cref="SketchScanner"/>) over the points passing the filter.
    /// The query must be unit length (or zero), as the store makes it: the sketch bounds assume so.
    /// </summary>
    public TopK Search(ReadOnlySpan<float> query, int k, SlotFilter? filter, SearchStats? stats = null, int partitions = 1)
    {
        var top = new TopK(k);
        if (FewSeedsIn(HighWater, filter, out int seeds))
        {
            ScoreMatches(query, filter, top);
            stats?.Record("postings", seeds, seeds);
            return top;
        }

        if (IsZero(query))
        {
            // Every score is 0, so the k lowest matching slots win (no sketch bound could rule anything out).
            ZeroScores(filter, top);
            stats?.Record("zero", 0, 0);
            return top;
        }

        if (Count < SketchThreshold)
        {
            if (filter is null)
            {
                Scan(query, 0, HighWater, null, top);
            }
            else
            {
                ScoreMatches(query, filter, top);
            }

            stats?.Record("float", Count, Count);
            return top;
        }

        var scratch = QueryScratch.ForThread();
        ReadOnlySpan<ulong> eligible = Eligible(filter, scratch);
        scratch.Query.Prepare(_rotation, query);
        SketchScanner scanner = scratch.Scanner;
        scanner.Begin(scratch.Query, k);
        int blocks = (HighWater + SignSketch.BlockSize - 1) / SignSketch.BlockSize;
        if (partitions > 1 && HighWater >= ParallelSketchThreshold)
        {
            // The second half runs on a pool thread with its own scanner; the two candidate sets merge before re-scoring.
            int half = blocks / 2;
            SketchScanner second = scratch.Second;
            second.Begin(scratch.Query, k);
            ulong[] bits = filter is null ? _live : scratch.EligibleArray;
            Task other = Task.Run(() => second.ScanSlots(_sketch, half, blocks, bits, filter));
            scanner.ScanSlots(_sketch, 0, half, eligible, filter);
            other.GetAwaiter().GetResult();
            scanner.Merge(second);
        }
        else
        {
            scanner.ScanSlots(_sketch, 0, blocks, eligible, filter);
        }

        scanner.Rerank(this, query, top);
        stats?.Record("sketch", scanner.Candidates, scanner.Rescored);
        return top;
    }

    /// <summary>Exact top-k by float dot products with every point passing the filter (the reference for the others).</summary>
    public TopK SearchExact(ReadOnlySpan<float> query, int k, SlotFilter? filter)
    {
        if (HighWater < ParallelScanThreshold)
        {
            var top = new TopK(k);
            Scan(query, 0, HighWater, filter, top);
            return top;
        }

        // Big collections: one partition per core, each with its own heap, merged at the end.
        int parts = Math.Max(1, Environment.ProcessorCount);
        var heaps = new TopK[parts];
        float[] q = query.ToArray();
        int size = (HighWater + parts - 1) / parts;
        Parallel.For(0, parts, p =>
        {
            heaps[p] = new TopK(k);
            Scan(q, p * size, Math.Min(HighWater, (p + 1) * size), filter, heaps[p]);
        });
        for (int p = 1; p < parts; p++)
        {
            heaps[0].Merge(heaps[p]);
        }

        return heaps[0];
    }

    /// <summary>The same scan with a hand-written scalar loop, one thread, no filter: the bench's baseline.</summary>
    public TopK SearchNaive(ReadOnlySpan<float> query, int k)
    {
        var top = new TopK(k);
        for (int slot = 0; slot < HighWater; slot++)
        {
            if (_chunks[slot] is null)
            {
                continue;
            }

            ReadOnlySpan<float> v = Vector(slot);
            float dot = 0;
            for (int i = 0; i < v.Length; i++)
            {
                dot += v[i] * query[i];
            }

            top.Add(dot, slot);
        }

        return top;
    }

    /// <summary>
    /// Approximate top-k through the IVF index (which must exist): only the lists of the nearest centroids. A filter
    /// whose posting lists hold few points is answered exactly from them instead.
    /// </summary>
    public TopK SearchIvf(ReadOnlySpan<float> query, int k, SlotFilter? filter, int nprobe, SearchStats? stats = null, int rescoreBudget = 0)
    {
        if (FewSeedsIn(HighWater, filter, out _) || IsZero(query))
        {
            return Search(query, k, filter, stats);
        }

        var scratch = QueryScratch.ForThread();
        ReadOnlySpan<ulong> eligible = Eligible(filter, scratch);
        scratch.Query.Prepare(_rotation, query);
        SketchScanner scanner = scratch.Scanner;
        scanner.Begin(scratch.Query, k);
        _ivf!.Scan(query, nprobe, scanner, eligible, filter);
        var top = new TopK(k);
        // Thousands of points within reach of the k-th bound mean the probed lists missed this query's neighbourhood
        // (their best is weak and many points come close): the lists cannot answer it well, so exact search does,
        // costing about as much again instead of many times more.
        if (scanner.Rerank(this, query, top, rescoreBudget > 0 ? rescoreBudget : Math.Max(IvfRescoreBudget, HighWater / 512)))
        {
            stats?.Record("ivf", scanner.Candidates, scanner.Rescored);
            return top;
        }

        // The exact search below reuses this thread's scanner: count the IVF part first.
        (int candidates, int rescored) = (scanner.Candidates, scanner.Rescored);
        SearchStats? exact = stats is null ? null : new SearchStats();
        top = Search(query, k, filter, exact);
        stats?.Record("ivf", candidates + (exact?.Candidates ?? 0), rescored + (exact?.Rescored ?? 0), fellBack: true);
        return top;
    }

    public void BuildIvf(int nlist, int seed, double targetRecall) => _ivf = IvfIndex.Build(this, nlist, seed, targetRecall);

    public void DropIvf() => _ivf = null;

    // A float dot product per seed beats scanning sketches of blocks that hold one match each.
    private static bool FewSeedsIn(int highWater, [NotNullWhen(true)] SlotFilter? filter, out int seeds)
    {
        seeds = filter?.SeedCount ?? -1;
        return seeds >= 0 && seeds <= Math.Max(SketchThreshold, highWater / 32);
    }

    private ReadOnlySpan<ulong> Eligible(SlotFilter? filter, QueryScratch scratch)
    {
        if (filter is null)
        {
            return _live;
        }

        Span<ulong> eligible = scratch.Eligible(_live.Length);
        filter.Fill(eligible, _live);
        return eligible;
    }

    private void ZeroScores(SlotFilter? filter, TopK top)
    {
        if (filter is not null)
        {
            filter.ForEachMatch(_live, ref top, static (ref TopK t, int slot) => t.Add(0, slot));
            return;
        }

        for (int word = 0; word < _live.Length && !top.IsFull; word++)
        {
            for (ulong bits = _live[word]; bits != 0 && !top.IsFull; bits &= bits - 1)
            {
                top.Add(0, word * 64 + BitOperations.TrailingZeroCount(bits));
            }
        }
    }

    private static bool IsZero(ReadOnlySpan<float> query) => TensorPrimitives.IndexOfMaxMagnitude(query) is int i && query[i] == 0;

    private void ScoreMatches(ReadOnlySpan<float> query, SlotFilter filter, TopK top)
    {
        var state = new MatchScoring(this, query, top);
        filter.ForEachMatch(_live, ref state, static (ref MatchScoring s, int slot) =>
            s.Top.Add(TensorPrimitives.Dot(s.Data.Vector(slot), s.Query), slot));
    }

    private void Scan(ReadOnlySpan<float> query, int from, int to, SlotFilter? filter, TopK top)
    {
        for (int slot = from; slot < to; slot++)
        {
            if (_chunks[slot] is null || (filter is not null && !filter.Pass(slot)))
            {
                continue;
            }

            top.Add(TensorPrimitives.Dot(Vector(slot), query), slot);
        }
    }

    private void Grow()
    {
        int capacity = Capacity * 2;
        Array.Resize(ref _vectors, checked(capacity * Dimensions));
        Array.Resize(ref _chunks, capacity);
        Array.Resize(ref _live, capacity / 64);
        AccountKeys = Resize(AccountKeys, capacity);
        TopicKeys = Resize(TopicKeys, capacity);
        ConversationKeys = Resize(ConversationKeys, capacity);
        Timestamps = Resize(Timestamps, capacity);
        _sketch.EnsureCapacity(capacity);
        _ivf?.EnsureCapacity(capacity);
    }

    private static int RoundUp(int capacity) => (capacity + 63) / 64 * 64;

    private static T[] Resize<T>(T[] array, int capacity)
    {
        Array.Resize(ref array, capacity);
        return array;
    }

    private readonly ref struct MatchScoring(VectorCollection data, ReadOnlySpan<float> query, TopK top)
    {
        public VectorCollection Data { get; } = data;

        public ReadOnlySpan<float> Query { get; } = query;

        public TopK Top { get; } = top;
    }

    /// <summary>Per-thread buffers, so a query allocates little more than its result.</summary>
    private sealed class QueryScratch
    {
        [ThreadStatic]
        private static QueryScratch? _current;

        private ulong[] _eligible = [];

        public SketchQuery Query { get; } = new();

        public SketchScanner Scanner { get; } = new();

        public SketchScanner Second { get; } = new();

        /// <summary>The buffer behind <see cref="Eligible"/>, for the pool thread of a partitioned scan.</summary>
        public ulong[] EligibleArray => _eligible;

        public static QueryScratch ForThread() => _current ??= new QueryScratch();

        public Span<ulong> Eligible(int words)
        {
            if (_eligible.Length < words)
            {
                _eligible = new ulong[BitOperations.RoundUpToPowerOf2((uint)words)];
            }

            return _eligible.AsSpan(0, words);
        }
    }
}
