using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// The hash-chained audit log on PostgreSQL: the same hash as the SQLite log (<see cref="AuditHash"/>), appends
/// serialised across instances by an advisory lock so the chain never forks.
/// </summary>
public sealed class PostgresAuditLog(NpgsqlDataSource db) : IAuditLog
{
    public Task<AuditEntry> AppendAsync(
        string actor,
        string action,
        string? target,
        string? details,
        DateTimeOffset at,
        CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // The tip is read under the lock; the previous holder's entry is committed (and visible) before the
                // lock passes on. The primary key on seq is a second guard: a fork could not be stored.
                await AdvisoryLocks.LockAsync(c, tx, AdvisoryLocks.AuditChain, cancellationToken);
                long seq = 1;
                string prev = AuditHash.Genesis;
                await using (NpgsqlCommand tip = c.Command("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", tx))
                await using (NpgsqlDataReader r = await tip.ExecuteReaderAsync(cancellationToken))
                {
                    if (await r.ReadAsync(cancellationToken))
                    {
                        seq = r.GetInt64(0) + 1;
                        prev = r.GetString(1);
                    }
                }

                string hash = AuditHash.Compute(seq, Vocabulary.Format(at), actor, action, target, details, prev);
                await using NpgsqlCommand insert = c.Command(
                    "INSERT INTO audit_log(seq, at, actor, action, target, details, prev_hash, hash) VALUES(@s, @at, @actor, @action, @t, @d, @p, @h)", tx)
                    .Long("s", seq).Instant("at", at).Text("actor", actor).Text("action", action)
                    .Text("t", target).Text("d", details).Text("p", prev).Text("h", hash);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                return new AuditEntry(seq, at, actor, action, target, details, prev, hash);
            },
            cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT seq, at, actor, action, target, details, prev_hash, hash FROM audit_log " +
            "WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) ORDER BY seq")
            .Instant("from", from).Instant("to", to);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditEntry>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new AuditEntry(
                r.GetInt64(0), r.RequiredInstant(1), r.GetString(2), r.GetString(3), r.Text(4), r.Text(5), r.GetString(6), r.GetString(7)));
        }

        return list;
    }
}
