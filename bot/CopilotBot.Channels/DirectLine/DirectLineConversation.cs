using System.Globalization;
using System.Text.Json;
using CopilotBot.Channels.BotFramework;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// One Direct Line conversation: its user (fixed by the token that started it) and the activity history clients read
/// from. Every stored activity gets a sequence number; a watermark is the last sequence number a client has seen, so
/// removing or replacing entries never confuses a client that reads "everything after N". History is capped by count and
/// by size, oldest first.
/// </summary>
public sealed class DirectLineConversation
{
    private readonly List<Entry> _entries = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _ended = new();
    private readonly TimeProvider _clock;
    private readonly int _maxActivities;
    private readonly int _maxBytes;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private long _bytes;
    private long _lastTimestampMs;
    private long _lastActiveTicks;
    private int _streams;

    public DirectLineConversation(string id, string userId, TimeProvider clock, int maxActivities, int maxBytes)
    {
        Id = id;
        UserId = userId;
        _clock = clock;
        _maxActivities = maxActivities;
        _maxBytes = maxBytes;
        Touch();
    }

    public string Id { get; }

    public string UserId { get; }

    /// <summary>
    /// Where the client reached this host (<c>scheme://host[/path base]</c>, from its latest request): a chart too large
    /// to go inline in a card is shown from here (<c>/charts/{sha256}.png</c>). Null until a request sets it.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>Turns of one conversation run one at a time, so replies come in the order the questions were asked.</summary>
    public SemaphoreSlim TurnLock { get; } = new(1, 1);

    /// <summary>Cancelled when the conversation is forgotten (idle, evicted): open streams close.</summary>
    public CancellationToken Ended => _ended.Token;

    public bool IsEnded => _ended.IsCancellationRequested;

    public DateTimeOffset LastActive => new(Interlocked.Read(ref _lastActiveTicks), TimeSpan.Zero);

    public int OpenStreams => Volatile.Read(ref _streams);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Completes the next time the history changes; take it before reading so no change slips between.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public void Touch() => Interlocked.Exchange(ref _lastActiveTicks, _clock.GetUtcNow().UtcTicks);

    /// <summary>Stores an activity built with its new id and timestamp (UTC, strictly increasing) and wakes the readers.</summary>
    public Activity Append(Func<string, string, Activity> build)
    {
        lock (_gate)
        {
            long sequence = ++_sequence;
            string id = $"{Id}|{sequence:D7}";
            string timestamp = NextTimestamp();
            Activity activity = build(id, timestamp);
            Add(sequence, id, timestamp, activity);
            return activity;
        }
    }

    /// <summary>
    /// Replaces the activity <paramref name="id"/> with what <paramref name="update"/> makes of it (null: leave it). The new
    /// version keeps its id and timestamp (Web Chat then shows it in the old one's place) and moves to the end of the history,
    /// so clients past the old one still receive it. Null when the activity is no longer held or was left as it was.
    /// </summary>
    public Activity? Replace(string id, Func<Activity, Activity?> update)
    {
        lock (_gate)
        {
            int index = _entries.FindIndex(e => e.Id == id);
            if (index < 0 || JsonSerializer.Deserialize<Activity>(_entries[index].Json, ActivityJson.Options) is not { } old
                || update(old) is not { } replacement)
            {
                return null;
            }

            Entry entry = _entries[index];
            RemoveAt(index);
            Add(++_sequence, entry.Id, entry.Timestamp, replacement);
            return replacement with { Id = entry.Id, Timestamp = entry.Timestamp };
        }
    }

    /// <summary>Drops activities that have served their purpose (typing indicators once the reply is there).</summary>
    public void Remove(IReadOnlyCollection<string> ids)
    {
        lock (_gate)
        {
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                if (ids.Contains(_entries[i].Id))
                {
                    RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// The activities after watermark <paramref name="after"/> (-1: all) as JSON, and the watermark to send next: the last
    /// one returned, else <paramref name="after"/>, else null for an empty conversation read from the start.
    /// </summary>
    public (IReadOnlyList<string> Activities, long? Watermark) Read(long after)
    {
        Touch();
        lock (_gate)
        {
            var activities = new List<string>();
            long last = after;
            foreach (Entry entry in _entries)
            {
                if (entry.Sequence > after)
                {
                    activities.Add(entry.Json);
                    last = entry.Sequence;
                }
            }

            return (activities, last >= 0 ? last : null);
        }
    }

    public bool TryOpenStream(int max)
    {
        if (Interlocked.Increment(ref _streams) > max)
        {
            Interlocked.Decrement(ref _streams);
            return false;
        }

        Touch();
        return true;
    }

    public void CloseStream()
    {
        Interlocked.Decrement(ref _streams);
        Touch();
    }

    internal void End()
    {
        _ended.Cancel();
        lock (_gate)
        {
            _entries.Clear();
            _bytes = 0;
            Signal();
        }
    }

    private void Add(long sequence, string id, string timestamp, Activity activity)
    {
        string json = ActivityJson.Serialize(activity with { Id = id, Timestamp = timestamp });
        _entries.Add(new Entry(sequence, id, timestamp, json));
        _bytes += json.Length;
        // Keep at least the newest activity, however large: a reply must reach the user.
        while (_entries.Count > 1 && (_entries.Count > _maxActivities || _bytes > _maxBytes))
        {
            RemoveAt(0);
        }

        Touch();
        Signal();
    }

    private void RemoveAt(int index)
    {
        _bytes -= _entries[index].Json.Length;
        _entries.RemoveAt(index);
    }

    private void Signal()
    {
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private string NextTimestamp()
    {
        // Web Chat orders activities by timestamp: keep them distinct and increasing even within one millisecond.
        long ms = Math.Max(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _lastTimestampMs + 1);
        _lastTimestampMs = ms;
        return DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private sealed record Entry(long Sequence, string Id, string Timestamp, string Json);
}
