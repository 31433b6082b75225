using System.Numerics.Tensors;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// One collection in memory: vectors in one contiguous array (slot × dims, normalised), payload in parallel arrays.
/// Deleted slots are reused, so slot numbers stay stable for the IVF lists. Not thread-safe: the store locks around it.
/// </summary>
internal sealed class VectorCollection
{
    private const int ParallelScanThreshold = 65_536;

    private readonly Dictionary<Guid, int> _slots = [];
    private readonly Stack<int> _free = new();
    private float[] _vectors;
    private sbyte[] _codes;
    private float[] _scales;
    private MemoryChunk?[] _chunks;
    private IvfIndex? _ivf;

    public VectorCollection(int dimensions, int capacity = 1024)
    {
        Dimensions = dimensions;
        capacity = Math.Max(16, capacity);
        _vectors = new float[(long)capacity * dimensions];
        _codes = new sbyte[(long)capacity * dimensions];
        _scales = new float[capacity];
        _chunks = new MemoryChunk?[capacity];
        AccountKeys = new int[capacity];
        TopicKeys = new int[capacity];
        ConversationKeys = new int[capacity];
        Timestamps = new long[capacity];
    }

    public int Dimensions { get; }

    public int Count => _slots.Count;

    /// <summary>One past the highest slot ever used: scans run over [0, HighWater).</summary>
    public int HighWater { get; private set; }

    public int Capacity => _chunks.Length;

    public Interner Accounts { get; } = new();

    public Interner Topics { get; } = new();

    public Interner Conversations { get; } = new();

    public int[] AccountKeys { get; private set; }

    public int[] TopicKeys { get; private set; }

    public int[] ConversationKeys { get; private set; }

    public long[] Timestamps { get; private set; }

    public IvfIndex? Ivf => _ivf;

    public ReadOnlySpan<float> Vector(int slot) => _vectors.AsSpan((int)((long)slot * Dimensions), Dimensions);

    public bool IsLive(int slot) => _chunks[slot] is not null;

    public MemoryChunk Chunk(int slot) => _chunks[slot]!;

    /// <summary>Stores a copy of <paramref name="vector"/>, normalised (cosine becomes a dot product).</summary>
    public void Upsert(MemoryChunk chunk, ReadOnlySpan<float> vector)
    {
        if (_slots.TryGetValue(chunk.Id, out int slot))
        {
            _ivf?.Remove(slot);
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

        _scales[slot] = Int8Dot.Quantize(target, _codes.AsSpan(slot * Dimensions, Dimensions));
        _chunks[slot] = chunk;
        AccountKeys[slot] = Accounts.Intern(chunk.AccountId);
        TopicKeys[slot] = Topics.Intern(chunk.Topic);
        ConversationKeys[slot] = Conversations.Intern(chunk.ConversationId);
        Timestamps[slot] = chunk.Timestamp;
        _ivf?.Add(slot, target);
    }

    public bool Delete(Guid id)
    {
        if (!_slots.Remove(id, out int slot))
        {
            return false;
        }

        _ivf?.Remove(slot);
        _chunks[slot] = null;
        _free.Push(slot);
        return true;
    }

    public List<Guid> IdsMatching(VectorFilter filter)
    {
        var filterBySlot = new SlotFilter(filter, this);
        var ids = new List<Guid>();
        for (int slot = 0; slot < HighWater; slot++)
        {
            if (_chunks[slot] is MemoryChunk chunk && filterBySlot.Pass(slot))
            {
                ids.Add(chunk.Id);
            }
        }

        return ids;
    }

    public long CountMatching(VectorFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return Count;
        }

        var filterBySlot = new SlotFilter(filter, this);
        long count = 0;
        for (int slot = 0; slot < HighWater; slot++)
        {
            if (_chunks[slot] is not null && filterBySlot.Pass(slot))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Exact top-k: the filter runs first, only passing points are scored.</summary>
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

    /// <summary>
    /// Approximate top-k in two passes: scan the int8 codes of every point passing the filter for the best
    /// <paramref name="candidates"/>, then re-score those with the float vectors, so returned scores are exact and only
    /// the candidate cut can miss (rarely: int8 error is about 1% of a score).
    /// </summary>
    public TopK SearchQuantized(ReadOnlySpan<float> query, int k, SlotFilter? filter, int candidates)
    {
        var codes = new sbyte[Dimensions];
        // The query's own scale multiplies every score alike, so ranking ignores it.
        Int8Dot.Quantize(query, codes);
        int parts = HighWater < ParallelScanThreshold ? 1 : Math.Max(1, Environment.ProcessorCount);
        var heaps = new TopK[parts];
        int size = (HighWater + parts - 1) / parts;
        Parallel.For(0, parts, p =>
        {
            var top = new TopK(candidates);
            int to = Math.Min(HighWater, (p + 1) * size);
            for (int slot = p * size; slot < to; slot++)
            {
                if (_chunks[slot] is null || (filter is not null && !filter.Pass(slot)))
                {
                    continue;
                }

                top.Add(Int8Dot.Dot(_codes.AsSpan(slot * Dimensions, Dimensions), codes) * _scales[slot], slot);
            }

            heaps[p] = top;
        });
        for (int p = 1; p < parts; p++)
        {
            heaps[0].Merge(heaps[p]);
        }

        var result = new TopK(k);
        foreach ((int slot, _) in heaps[0].Sorted())
        {
            result.Add(TensorPrimitives.Dot(Vector(slot), query), slot);
        }

        return result;
    }

    /// <summary>The same scan with a hand-written scalar loop: the bench's baseline for TensorPrimitives.</summary>
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

    public void BuildIvf(int nlist, int seed) => _ivf = IvfIndex.Build(this, nlist, seed);

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
        Array.Resize(ref _codes, capacity * Dimensions);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _chunks, capacity);
        AccountKeys = Resize(AccountKeys, capacity);
        TopicKeys = Resize(TopicKeys, capacity);
        ConversationKeys = Resize(ConversationKeys, capacity);
        Timestamps = Resize(Timestamps, capacity);
        _ivf?.EnsureCapacity(capacity);
    }

    private static T[] Resize<T>(T[] array, int capacity)
    {
        Array.Resize(ref array, capacity);
        return array;
    }
}
