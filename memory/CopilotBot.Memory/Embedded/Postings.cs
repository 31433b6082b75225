namespace CopilotBot.Memory.Embedded;

/// <summary>
/// The live slots of each interned payload value (an account, a topic), so a filter on a few values visits only their
/// points instead of testing every point. Swap-removal keeps add and remove O(1); order within a list does not matter.
/// </summary>
internal sealed class Postings
{
    private int[][] _lists = [];
    private int[] _counts = [];
    private int[] _positionOfSlot = [];

    public int Count(int key) => key >= 0 && key < _counts.Length ? _counts[key] : 0;

    public ReadOnlySpan<int> Slots(int key) => key >= 0 && key < _counts.Length ? _lists[key].AsSpan(0, _counts[key]) : [];

    public void Add(int key, int slot)
    {
        if (key < 0)
        {
            return;
        }

        if (key >= _lists.Length)
        {
            int size = Math.Max(key + 1, _lists.Length * 2);
            int old = _lists.Length;
            Array.Resize(ref _lists, size);
            Array.Resize(ref _counts, size);
            for (int i = old; i < size; i++)
            {
                _lists[i] = new int[4];
            }
        }

        if (slot >= _positionOfSlot.Length)
        {
            Array.Resize(ref _positionOfSlot, Math.Max(slot + 1, _positionOfSlot.Length * 2));
        }

        if (_counts[key] == _lists[key].Length)
        {
            Array.Resize(ref _lists[key], _lists[key].Length * 2);
        }

        _positionOfSlot[slot] = _counts[key];
        _lists[key][_counts[key]++] = slot;
    }

    public void Remove(int key, int slot)
    {
        if (key < 0)
        {
            return;
        }

        int position = _positionOfSlot[slot];
        int last = _lists[key][--_counts[key]];
        _lists[key][position] = last;
        _positionOfSlot[last] = position;
    }
}
