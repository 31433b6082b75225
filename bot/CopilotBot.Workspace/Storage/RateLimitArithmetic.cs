namespace CopilotBot.Workspace.Storage;

/// <summary>
/// The numbers both providers' <see cref="IRateLimitStore"/> put into their one statement: times in whole microseconds
/// since the Unix epoch (turn limits need sub-second steps: 600 a minute is one every 100 ms), the emission interval and
/// the burst tolerance <c>(burst - 1) × interval</c>.
/// </summary>
public static class RateLimitArithmetic
{
    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <exception cref="ArgumentOutOfRangeException">A burst below one or an interval shorter than a microsecond.</exception>
    public static (long Now, long Interval, long Tolerance) Parameters(int burst, TimeSpan interval, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        long t = interval.Ticks / (TimeSpan.TicksPerMillisecond / 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1, nameof(interval));
        return (Micros(now), t, (burst - 1) * t);
    }

    /// <summary>Null when the take was granted; otherwise the time until the arrival time is within the tolerance again.</summary>
    public static TimeSpan? Wait(long arrival, bool granted, long now, long tolerance) =>
        granted ? null : TimeSpan.FromTicks(Math.Max(1, arrival - now - tolerance) * (TimeSpan.TicksPerMillisecond / 1000));
}
