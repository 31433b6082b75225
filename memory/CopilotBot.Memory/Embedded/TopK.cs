namespace CopilotBot.Memory.Embedded;

/// <summary>The k best (score, slot) pairs seen so far, as a min-heap: the root is the score to beat.</summary>
internal sealed class TopK(int k)
{
    private readonly float[] _scores = new float[Math.Max(1, k)];
    private readonly int[] _slots = new int[Math.Max(1, k)];
    private readonly int _k = Math.Max(1, k);

    public int Count { get; private set; }

    public float Threshold => Count < _k ? float.NegativeInfinity : _scores[0];

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
                if (_scores[parent] <= _scores[i])
                {
                    break;
                }

                Swap(i, parent);
                i = parent;
            }
        }
        else if (score > _scores[0])
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

    /// <summary>Best first; equal scores by slot so results are deterministic.</summary>
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

            int smallest = left + 1 < Count && _scores[left + 1] < _scores[left] ? left + 1 : left;
            if (_scores[i] <= _scores[smallest])
            {
                return;
            }

            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
