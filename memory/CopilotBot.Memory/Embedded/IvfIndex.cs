using System.Numerics.Tensors;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// Inverted-file ANN index: spherical k-means centroids (trained on a sample), every point filed under its nearest
/// centroid, and a query scans only the lists of its <c>nprobe</c> nearest centroids. Each list keeps its own copy of
/// its points' sign sketches, contiguous, so probing a list is the same two-pass sketch scan as exact search, over
/// fewer points. Chosen over HNSW because it is small, builds in seconds, updates in O(1) per point and keeps payload
/// filtering a bitset test.
/// </summary>
/// <remarks>
/// Hashed n-gram vectors cluster weakly, so the nprobe that reaches a recall differs a lot between data sets and query
/// mixes: it is calibrated for a target recall, first on pseudo-queries at build time (<see cref="Calibrate"/>), then
/// from a sample of real queries (<see cref="Monitor"/>), instead of being a fixed fraction of the lists. On TwACS
/// hashed vectors 0.97 takes about 45% of the lists, so IVF only pays where exact search reads many sketch bytes.
/// A query whose probed lists miss its neighbourhood shows it by needing thousands of re-scores; it is then answered
/// exactly (<see cref="VectorCollection.SearchIvf"/>), which raises recall and caps its cost.
/// </remarks>
internal sealed class IvfIndex
{
    private const int Iterations = 8;
    private const int SamplePerList = 48;
    private const int CalibrationQueries = 200;
    private const int CalibrationK = 10;
    private const double CalibrationNoise = 2.0;

    private readonly VectorCollection _data;
    private readonly int _dimensions;
    private readonly Centroids _centroids;
    private readonly InvertedList[] _lists;
    private int[] _listOfSlot;
    private int[] _positionOfSlot;

    private IvfIndex(VectorCollection data, float[] centroids, int nlist)
    {
        _data = data;
        _dimensions = data.Dimensions;
        _centroids = new Centroids(centroids, nlist, data.Dimensions);
        _lists = new InvertedList[nlist];
        for (int i = 0; i < nlist; i++)
        {
            _lists[i] = new InvertedList(data.Sketch.Bits);
        }

        _listOfSlot = new int[data.Capacity];
        _positionOfSlot = new int[data.Capacity];
        Array.Fill(_listOfSlot, -1);
    }

    public int NList => _lists.Length;

    /// <summary>Points at build time; the store rebuilds once the collection has doubled or halved.</summary>
    public int TrainedCount { get; private set; }

    /// <summary>The smallest nprobe whose recall@10 on the build-time pseudo-queries reached the target.</summary>
    public int CalibratedNProbe { get; private set; }

    /// <summary>Recall@10 of <see cref="CalibratedNProbe"/> on the pseudo-queries.</summary>
    public double CalibratedRecall { get; private set; }

    /// <summary>Learns nprobe from sampled real queries, starting from <see cref="CalibratedNProbe"/>.</summary>
    public RecallMonitor Monitor { get; private set; } = null!;

    public static IvfIndex Build(VectorCollection data, int nlist, int seed, double targetRecall)
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

        if (live.Count == 0)
        {
            // Nothing to cluster: one list under a zero centroid takes whatever comes.
            var empty = new IvfIndex(data, new float[dims], 1);
            empty.Calibrate(seed, targetRecall);
            return empty;
        }

        nlist = Math.Clamp(nlist, 1, live.Count);
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
            Assign(new Centroids(centroids, nlist, dims), data, sample, assignment);
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

        var index = new IvfIndex(data, centroids, nlist) { TrainedCount = live.Count };
        var lists = new int[live.Count];
        Assign(index._centroids, data, [.. live], lists);
        for (int i = 0; i < live.Count; i++)
        {
            index.Append(lists[i], live[i]);
        }

        index.Calibrate(seed, targetRecall);
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

    /// <summary>Files a point under its nearest centroid; its sketch must already be in the collection.</summary>
    public void Add(int slot, ReadOnlySpan<float> vector)
    {
        EnsureCapacity(slot + 1);
        Append(_centroids.Nearest(vector), slot);
    }

    public void Remove(int slot)
    {
        int list = slot < _listOfSlot.Length ? _listOfSlot[slot] : -1;
        if (list < 0)
        {
            return;
        }

        // Swap-remove inside the list: O(1), order within a list does not matter.
        InvertedList target = _lists[list];
        int position = _positionOfSlot[slot];
        int last = target.Slots[--target.Count];
        target.Slots[position] = last;
        target.Sketch.Move(target.Count, position);
        _positionOfSlot[last] = position;
        _listOfSlot[slot] = -1;
    }

    /// <summary>Pass one of the sketch scan over the lists of the <paramref name="nprobe"/> centroids nearest to the query.</summary>
    public void Scan(ReadOnlySpan<float> query, int nprobe, SketchScanner scanner, ReadOnlySpan<ulong> eligible, SlotFilter? residual)
    {
        foreach ((int list, _) in NearestLists(query, nprobe))
        {
            InvertedList probed = _lists[list];
            scanner.ScanEntries(probed.Sketch, probed.Count, probed.Slots, eligible, residual);
        }
    }

    /// <summary>
    /// Answers <paramref name="query"/> exactly and tells <see cref="Monitor"/> where its neighbours were filed. Costs one
    /// exact search: the store calls it for a sample of queries, off the caller's path.
    /// </summary>
    public void Sample(ReadOnlySpan<float> query)
    {
        Span<int> rank = NList <= 4096 ? stackalloc int[NList] : new int[NList];
        int r = 0;
        foreach ((int list, _) in NearestLists(query, NList))
        {
            rank[list] = r++;
        }

        (int Slot, float Score)[] exact = _data.Search(query, CalibrationK, null).Sorted();
        Span<int> ranks = stackalloc int[exact.Length];
        for (int i = 0; i < exact.Length; i++)
        {
            ranks[i] = rank[_listOfSlot[exact[i].Slot]];
        }

        Monitor.Record(ranks);
    }

    /// <summary>The list a slot is filed under (-1 when none).</summary>
    internal int ListOf(int slot) => slot < _listOfSlot.Length ? _listOfSlot[slot] : -1;

    /// <summary>
    /// Recall@<paramref name="k"/> against exact search at every nprobe: element n-1 is the share of the queries' exact
    /// top k that sit in the lists of their n nearest centroids. One exact search and one centroid ranking per query.
    /// </summary>
    public double[] RecallCurve(IEnumerable<float[]> queries, int k = CalibrationK)
    {
        var found = new long[NList];
        long total = 0;
        var rank = new int[NList];
        foreach (float[] query in queries)
        {
            int r = 0;
            foreach ((int list, _) in NearestLists(query, NList))
            {
                rank[list] = r++;
            }

            foreach ((int slot, _) in _data.Search(query, k, null).Sorted())
            {
                found[rank[_listOfSlot[slot]]]++;
                total++;
            }
        }

        var curve = new double[NList];
        long cumulative = 0;
        for (int n = 0; n < NList; n++)
        {
            cumulative += found[n];
            curve[n] = total == 0 ? 1 : (double)cumulative / total;
        }

        return curve;
    }

    /// <summary>
    /// Pseudo-queries for calibration: stored points moved by Gaussian noise <paramref name="noise"/> times their own
    /// length, so that, like real queries, they are not near-duplicates of what they find.
    /// </summary>
    internal IEnumerable<float[]> PseudoQueries(int count, double noise, int seed)
    {
        var random = new Random(seed);
        var live = new List<int>();
        for (int slot = 0; slot < _data.HighWater; slot++)
        {
            if (_data.IsLive(slot))
            {
                live.Add(slot);
            }
        }

        float scale = (float)(noise / Math.Sqrt(_dimensions));
        for (int q = 0; q < Math.Min(count, live.Count); q++)
        {
            ReadOnlySpan<float> point = _data.Vector(live[random.Next(live.Count)]);
            var query = new float[_dimensions];
            for (int i = 0; i < _dimensions; i++)
            {
                query[i] = point[i] + (float)(Gaussian(random) * scale);
            }

            TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
            yield return query;
        }
    }

    /// <summary>Picks the smallest nprobe whose recall on pseudo-queries reaches <paramref name="targetRecall"/>.</summary>
    private void Calibrate(int seed, double targetRecall)
    {
        double[] curve = RecallCurve(PseudoQueries(CalibrationQueries, CalibrationNoise, seed + 1));
        int index = Array.FindIndex(curve, r => r >= targetRecall);
        CalibratedNProbe = index < 0 ? NList : index + 1;
        CalibratedRecall = curve[CalibratedNProbe - 1];
        Monitor = new RecallMonitor(NList, targetRecall, CalibratedNProbe);
    }

    private (int List, float Score)[] NearestLists(ReadOnlySpan<float> query, int count)
    {
        var probes = new TopK(Math.Clamp(count, 1, NList));
        for (int c = 0; c < NList; c++)
        {
            probes.Add(_centroids.Score(c, query), c);
        }

        return probes.Sorted();
    }

    private void Append(int list, int slot)
    {
        InvertedList target = _lists[list];
        if (target.Count == target.Slots.Length)
        {
            Array.Resize(ref target.Slots, target.Slots.Length * 2);
        }

        _positionOfSlot[slot] = target.Count;
        target.Slots[target.Count] = slot;
        target.Sketch.CopyFrom(_data.Sketch, slot, target.Count);
        target.Count++;
        _listOfSlot[slot] = list;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // Nearest centroid of every point, four points per pass over the centroids, spread over the cores.
    private static void Assign(Centroids centroids, VectorCollection data, int[] slots, int[] assignment)
    {
        int groups = (slots.Length + 3) / 4;
        Parallel.For(0, groups, group =>
        {
            int i = group * 4;
            int last = slots.Length - 1;
            (int a, int b, int c, int d) = centroids.Nearest(
                data.Vector(slots[i]), data.Vector(slots[Math.Min(i + 1, last)]), data.Vector(slots[Math.Min(i + 2, last)]), data.Vector(slots[Math.Min(i + 3, last)]));
            assignment[i] = a;
            if (i + 1 <= last)
            {
                assignment[i + 1] = b;
            }

            if (i + 2 <= last)
            {
                assignment[i + 2] = c;
            }

            if (i + 3 <= last)
            {
                assignment[i + 3] = d;
            }
        });
    }

    private sealed class InvertedList(int bits)
    {
        // Fields, not properties: Array.Resize(ref Slots, ...) and Count++ on a private holder.
        public int[] Slots = new int[16];
        public int Count;

        public SignSketch Sketch { get; } = new(bits, 16);
    }
}
