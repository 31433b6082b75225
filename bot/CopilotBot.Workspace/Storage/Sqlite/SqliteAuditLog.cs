using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>Hash-chained audit log: each entry's hash covers its fields and the previous entry's hash.</summary>
public sealed class SqliteAuditLog(SqliteDb db) : IAuditLog
{
    public const string GenesisHash = AuditHash.Genesis;

    public Task<AuditEntry> AppendAsync(
        string actor,
        string action,
        string? target,
        string? details,
        DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        // The write lock is taken before reading the chain's tip, so concurrent appenders cannot fork it.
        return Task.FromResult(c.Immediate(() =>
        {
            long seq = 1;
            string prev = GenesisHash;
            using (SqliteCommand tip = c.Command("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
            using (SqliteDataReader r = tip.ExecuteReader())
            {
                if (r.Read())
                {
                    seq = r.GetInt64(0) + 1;
                    prev = r.GetString(1);
                }
            }

            string atText = at.Db();
            string hash = ComputeHash(seq, atText, actor, action, target, details, prev);
            using SqliteCommand insert = c.Command(
                "INSERT INTO audit_log(seq, at, actor, action, target, details, prev_hash, hash) VALUES($s,$at,$actor,$action,$t,$d,$p,$h)");
            insert.With("$s", seq).With("$at", atText).With("$actor", actor).With("$action", action)
                .With("$t", target).With("$d", details).With("$p", prev).With("$h", hash);
            insert.ExecuteNonQuery();
            return new AuditEntry(seq, at, actor, action, target, details, prev, hash);
        }));
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAsync(
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT seq, at, actor, action, target, details, prev_hash, hash FROM audit_log " +
            "WHERE ($from IS NULL OR at >= $from) AND ($to IS NULL OR at < $to) ORDER BY seq")
            .With("$from", from.Db()).With("$to", to.Db());
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<AuditEntry>();
        while (r.Read())
        {
            list.Add(new AuditEntry(
                r.GetInt64(0), r.Instant(1)!.Value, r.GetString(2), r.GetString(3), r.Text(4), r.Text(5), r.GetString(6), r.GetString(7)));
        }

        return Task.FromResult<IReadOnlyList<AuditEntry>>(list);
    }

    /// <summary>The entry hash (see <see cref="AuditHash"/>).</summary>
    public static string ComputeHash(long seq, string at, string actor, string action, string? target, string? details, string prevHash) =>
        AuditHash.Compute(seq, at, actor, action, target, details, prevHash);
}
