namespace CopilotBot.Memory.Embedded;

/// <summary>
/// The k best (score, slot) pairs seen so far, as a bounded min-heap whose root is the pair to beat. "Better" means a
/// higher score, or the same score and a lower slot, so the kept set does not depend on the order points arrive in: a
/// partitioned scan, a merge of partitions and a re-scored candidate list all keep exactly what one sorted pass would.
/// </summary>
internal sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _slots;
    private readonly int _k;

    public TopK(int k)
    {
        _k = Math.Max(1, k);
        _scores = new float[_k];
        _slots = new int[_k];
    }

    public int K => _k;

    public int Count { get; private set; }

    public bool IsFull => Count == _k;

    /// <summary>The score to beat once full (a tie can still enter with a lower slot); -infinity before.</summary>
    public float Threshold => Count < _k ? float.NegativeInfinity : _scores[0];

    public void Clear() => Count = 0;

    public void Add(float score, int slot)
    {
        if (Count < _k)
        {
            int i = Count++;
            _scores[i] = score;
            _slots[i] = slot;
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Worse(i, parent))
                {
                    break;
                }

                Swap(i, parent);
                i = parent;
            }
        }
        else if (score > _scores[0] || (score == _scores[0] && slot < _slots[0]))
        {
            _scores[0] = score;
            _slots[0] = slot;
            SiftDown();
        }
    }

    public void Merge(TopK other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            Add(other._scores[i], other._slots[i]);
        }
    }

    /// <summary>Best first; equal scores by slot, so results are deterministic.</summary>
    public (int Slot, float Score)[] Sorted()
    {
        var items = new (int Slot, float Score)[Count];
        for (int i = 0; i < Count; i++)
        {
            items[i] = (_slots[i], _scores[i]);
        }

        Array.Sort(items, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Slot.CompareTo(b.Slot));
        return items;
    }

    // Heap order: the root is the worst kept pair.
    private bool Worse(int a, int b) => _scores[a] < _scores[b] || (_scores[a] == _scores[b] && _slots[a] > _slots[b]);

    private void SiftDown()
    {
        int i = 0;
        while (true)
        {
            int left = 2 * i + 1;
            if (left >= Count)
            {
                return;
            }

            int worst = left + 1 < Count && Worse(left + 1, left) ? left + 1 : left;
            if (!Worse(worst, i))
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
