using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresInboundEventLog(NpgsqlDataSource db) : IInboundEventLog
{
    public async Task<bool> TryMarkSeenAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        // The primary key decides: of two instances inserting the same key, one inserts and the other (after waiting
        // for the first to commit) does nothing.
        await using NpgsqlCommand cmd = c.Command("INSERT INTO inbound_events(key, at) VALUES(@k, @at) ON CONFLICT(key) DO NOTHING")
            .Text("k", key).Instant("at", at);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("DELETE FROM inbound_events WHERE at < @b").Instant("b", before);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, string keyPrefix, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("DELETE FROM inbound_events WHERE at < @b AND left(key, length(@p)) = @p")
            .Instant("b", before).Text("p", keyPrefix);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
