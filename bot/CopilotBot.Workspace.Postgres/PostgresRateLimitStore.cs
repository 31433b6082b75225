using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Token buckets shared by every instance on the database (the generic cell rate algorithm: one row per key, its
/// theoretical arrival time in microseconds since the Unix epoch). A take is one <c>INSERT … ON CONFLICT DO UPDATE</c>:
/// the row lock orders concurrent takes from any instance, each deciding on the row the previous one committed.
/// </summary>
public sealed class PostgresRateLimitStore(NpgsqlDataSource db) : IRateLimitStore
{
    // SET expressions read the row as it was, so `granted` and `tat` are decided on the same old arrival time.
    private const string Take =
        "INSERT INTO rate_limits AS r(key, tat, granted) VALUES(@k, @now + @t, true) " +
        "ON CONFLICT(key) DO UPDATE SET " +
        "granted = greatest(r.tat, @now) - @now <= @tau, " +
        "tat = CASE WHEN greatest(r.tat, @now) - @now <= @tau THEN greatest(r.tat, @now) + @t ELSE r.tat END " +
        "RETURNING tat, granted";

    public async Task<TimeSpan?> TryTakeAsync(string key, int burst, TimeSpan interval, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        (long at, long t, long tau) = RateLimitArithmetic.Parameters(burst, interval, now);
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(Take).Text("k", key).Long("now", at).Long("t", t).Long("tau", tau);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return RateLimitArithmetic.Wait(r.GetInt64(0), r.GetBoolean(1), at, tau);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("DELETE FROM rate_limits WHERE tat < @b").Long("b", RateLimitArithmetic.Micros(before));
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
