using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>
/// Token buckets in the SQLite file (the generic cell rate algorithm: one row per key, its theoretical arrival time in
/// microseconds since the Unix epoch). A take is one upsert; SQLite's write lock serialises takes from any process.
/// </summary>
public sealed class SqliteRateLimitStore(SqliteDb db) : IRateLimitStore
{
    // SET expressions read the row as it was, so `granted` and `tat` are decided on the same old arrival time.
    private const string Take =
        "INSERT INTO rate_limits(key, tat, granted) VALUES($k, $now + $t, 1) " +
        "ON CONFLICT(key) DO UPDATE SET " +
        "granted = max(tat, $now) - $now <= $tau, " +
        "tat = CASE WHEN max(tat, $now) - $now <= $tau THEN max(tat, $now) + $t ELSE tat END " +
        "RETURNING tat, granted";

    public Task<TimeSpan?> TryTakeAsync(string key, int burst, TimeSpan interval, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        (long at, long t, long tau) = RateLimitArithmetic.Parameters(burst, interval, now);
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(Take).With("$k", key).With("$now", at).With("$t", t).With("$tau", tau);
        using SqliteDataReader r = cmd.ExecuteReader();
        r.Read();
        return Task.FromResult(RateLimitArithmetic.Wait(r.GetInt64(0), r.GetBoolean(1), at, tau));
    }

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("DELETE FROM rate_limits WHERE tat < $b").With("$b", RateLimitArithmetic.Micros(before));
        return Task.FromResult(cmd.ExecuteNonQuery());
    }
}
