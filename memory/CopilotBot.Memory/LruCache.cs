namespace CopilotBot.Memory;

/// <summary>A small thread-safe least-recently-used cache (a dictionary onto a linked list, under one lock).</summary>
internal sealed class LruCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _map = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private long _hits;

    public long Hits => Interlocked.Read(ref _hits);

    public int Count
    {
        get
        {
            lock (_map)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_map)
        {
            if (_map.TryGetValue(key, out LinkedListNode<(TKey Key, TValue Value)>? node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                _hits++;
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (capacity == 0)
        {
            return;
        }

        lock (_map)
        {
            if (_map.TryGetValue(key, out LinkedListNode<(TKey Key, TValue Value)>? existing))
            {
                _order.Remove(existing);
            }
            else if (_map.Count >= capacity && _order.Last is { } oldest)
            {
                _order.RemoveLast();
                _map.Remove(oldest.Value.Key);
            }

            _map[key] = _order.AddFirst((key, value));
        }
    }
}
