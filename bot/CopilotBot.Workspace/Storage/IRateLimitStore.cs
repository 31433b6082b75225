namespace CopilotBot.Workspace.Storage;

/// <summary>
/// Token buckets kept in the store, so a limit holds across every instance sharing it (several bot instances on one
/// PostgreSQL database each see the same bucket). A bucket is one row per key holding its theoretical arrival time (the
/// generic cell rate algorithm): a bucket of <c>burst</c> tokens refilled one per <c>interval</c> is exactly "a take at
/// <c>now</c> is allowed while the arrival time is at most <c>(burst - 1) × interval</c> ahead of <c>now</c>". A take is
/// one atomic statement, whichever instance makes it.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>
    /// Takes one token from the bucket at <paramref name="key"/> (full when never used): null when taken; otherwise
    /// nothing changes and the result is how long until the next token is there.
    /// </summary>
    Task<TimeSpan?> TryTakeAsync(string key, int burst, TimeSpan interval, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets buckets that were full again before <paramref name="before"/> (a forgotten bucket is a full one, so nothing
    /// changes for their keys); returns how many.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
