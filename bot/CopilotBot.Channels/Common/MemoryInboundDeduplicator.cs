namespace CopilotBot.Channels.Common;

/// <summary>
/// A bounded least-recently-used set with a time-to-live. Bounded so a flood of unique ids cannot grow memory without limit;
/// the TTL is what makes an old id usable again (Slack asks for at least 10 minutes, Teams retries within seconds).
/// </summary>
public sealed class MemoryInboundDeduplicator : IInboundDeduplicator
{
    private readonly int _capacity;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, LinkedListNode<(string Key, DateTimeOffset Expires)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, DateTimeOffset Expires)> _order = new();
    private readonly Lock _gate = new();

    public MemoryInboundDeduplicator(int capacity = 10_000, TimeSpan? timeToLive = null, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _timeToLive = timeToLive ?? TimeSpan.FromMinutes(15);
        _clock = clock ?? TimeProvider.System;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    public ValueTask<bool> TryClaimAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        DateTimeOffset now = _clock.GetUtcNow();
        lock (_gate)
        {
            // The list is ordered by last claim, oldest first; expired entries can only sit at the front.
            while (_order.First is { } oldest && oldest.Value.Expires <= now)
            {
                _index.Remove(oldest.Value.Key);
                _order.RemoveFirst();
            }

            if (_index.ContainsKey(key))
            {
                // A repeat: keep it remembered from its first delivery only, so a retry storm cannot pin it forever.
                return ValueTask.FromResult(false);
            }

            if (_index.Count >= _capacity && _order.First is { } evict)
            {
                _index.Remove(evict.Value.Key);
                _order.RemoveFirst();
            }

            _index[key] = _order.AddLast((key, now + _timeToLive));
            return ValueTask.FromResult(true);
        }
    }
}
