using System.Numerics.Tensors;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// Inverted-file ANN index: spherical k-means centroids (trained on a sample), every point filed under its nearest
/// centroid, and a query scans only the lists of its <c>nprobe</c> nearest centroids. Chosen over HNSW because it is
/// small, builds in seconds, updates in O(1) per point and keeps payload filtering a plain scan.
/// </summary>
internal sealed class IvfIndex
{
    private const int Iterations = 8;
    private const int SamplePerList = 48;

    private readonly int _dimensions;
    private readonly float[] _centroids;
    private readonly int[][] _lists;
    private readonly int[] _listCounts;
    private int[] _listOfSlot;
    private int[] _positionOfSlot;

    private IvfIndex(int dimensions, float[] centroids, int nlist, int capacity)
    {
        _dimensions = dimensions;
        _centroids = centroids;
        _lists = new int[nlist][];
        _listCounts = new int[nlist];
        for (int i = 0; i < nlist; i++)
        {
            _lists[i] = new int[16];
        }

        _listOfSlot = new int[capacity];
        _positionOfSlot = new int[capacity];
        Array.Fill(_listOfSlot, -1);
    }

    public int NList => _lists.Length;

    /// <summary>Points at build time; the store rebuilds once the collection has doubled.</summary>
    public int TrainedCount { get; private set; }

    public static IvfIndex Build(VectorCollection data, int nlist, int seed)
    {
        int dims = data.Dimensions;
        var live = new List<int>(data.Count);
        for (int slot = 0; slot < data.HighWater; slot++)
        {
            if (data.IsLive(slot))
            {
                live.Add(slot);
            }
        }

        nlist = Math.Clamp(nlist, 1, Math.Max(1, live.Count));
        var random = new Random(seed);
        int[] sample = live.Count <= nlist * SamplePerList
            ? [.. live]
            : random.GetItems(live.ToArray(), nlist * SamplePerList);

        // Start from distinct random sample points, then Lloyd iterations on the unit sphere.
        int[] order = [.. Enumerable.Range(0, sample.Length)];
        random.Shuffle(order);
        var centroids = new float[nlist * dims];
        for (int c = 0; c < nlist; c++)
        {
            data.Vector(sample[order[c]]).CopyTo(centroids.AsSpan(c * dims, dims));
        }

        var assignment = new int[sample.Length];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            Parallel.For(0, sample.Length, i => assignment[i] = Nearest(centroids, nlist, dims, data.Vector(sample[i])));
            Array.Clear(centroids);
            var sizes = new int[nlist];
            for (int i = 0; i < sample.Length; i++)
            {
                int c = assignment[i];
                sizes[c]++;
                TensorPrimitives.Add(centroids.AsSpan(c * dims, dims), data.Vector(sample[i]), centroids.AsSpan(c * dims, dims));
            }

            for (int c = 0; c < nlist; c++)
            {
                Span<float> centroid = centroids.AsSpan(c * dims, dims);
                if (sizes[c] == 0)
                {
                    // An empty cluster takes a random sample point, so no list stays useless.
                    data.Vector(sample[random.Next(sample.Length)]).CopyTo(centroid);
                    continue;
                }

                float norm = TensorPrimitives.Norm(centroid);
                if (norm > 0)
                {
                    TensorPrimitives.Divide(centroid, norm, centroid);
                }
            }
        }

        var index = new IvfIndex(dims, centroids, nlist, data.Capacity) { TrainedCount = live.Count };
        var lists = new int[live.Count];
        Parallel.For(0, live.Count, i => lists[i] = Nearest(centroids, nlist, dims, data.Vector(live[i])));
        for (int i = 0; i < live.Count; i++)
        {
            index.Append(lists[i], live[i]);
        }

        return index;
    }

    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _listOfSlot.Length)
        {
            return;
        }

        int old = _listOfSlot.Length;
        Array.Resize(ref _listOfSlot, capacity);
        Array.Resize(ref _positionOfSlot, capacity);
        Array.Fill(_listOfSlot, -1, old, capacity - old);
    }

    public void Add(int slot, ReadOnlySpan<float> vector)
    {
        EnsureCapacity(slot + 1);
        Append(Nearest(_centroids, NList, _dimensions, vector), slot);
    }

    public void Remove(int slot)
    {
        int list = slot < _listOfSlot.Length ? _listOfSlot[slot] : -1;
        if (list < 0)
        {
            return;
        }

        // Swap-remove inside the list: O(1), order within a list does not matter.
        int position = _positionOfSlot[slot];
        int last = _lists[list][--_listCounts[list]];
        _lists[list][position] = last;
        _positionOfSlot[last] = position;
        _listOfSlot[slot] = -1;
    }

    /// <summary>Scans the lists of the <paramref name="nprobe"/> centroids nearest to the query.</summary>
    public void Search(VectorCollection data, ReadOnlySpan<float> query, int nprobe, SlotFilter? filter, TopK top)
    {
        var probes = new TopK(Math.Min(nprobe, NList));
        for (int c = 0; c < NList; c++)
        {
            probes.Add(TensorPrimitives.Dot(_centroids.AsSpan(c * _dimensions, _dimensions), query), c);
        }

        foreach ((int list, _) in probes.Sorted())
        {
            int[] slots = _lists[list];
            for (int i = 0; i < _listCounts[list]; i++)
            {
                int slot = slots[i];
                if (filter is null || filter.Pass(slot))
                {
                    top.Add(TensorPrimitives.Dot(data.Vector(slot), query), slot);
                }
            }
        }
    }

    private void Append(int list, int slot)
    {
        if (_listCounts[list] == _lists[list].Length)
        {
            Array.Resize(ref _lists[list], _lists[list].Length * 2);
        }

        _positionOfSlot[slot] = _listCounts[list];
        _lists[list][_listCounts[list]++] = slot;
        _listOfSlot[slot] = list;
    }

    private static int Nearest(float[] centroids, int nlist, int dims, ReadOnlySpan<float> vector)
    {
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int c = 0; c < nlist; c++)
        {
            float score = TensorPrimitives.Dot(centroids.AsSpan(c * dims, dims), vector);
            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }

        return best;
    }
}
