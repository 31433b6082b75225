namespace CopilotBot.Host.Web;

/// <summary>
/// Lets one caller through at most once per interval (the first call goes through), however many race for it: the
/// housekeeping that rides on hot paths (pruning the shared stores' old rows) runs once per instance per interval.
/// </summary>
internal sealed class IntervalGate(TimeSpan interval)
{
    private long _nextTicks;

    /// <summary>True for the one caller that may run the work now; the next is let through an interval later.</summary>
    public bool TryEnter(DateTimeOffset now)
    {
        long next = Interlocked.Read(ref _nextTicks);
        return now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextTicks, (now + interval).UtcTicks, next) == next;
    }
}
