using System.Globalization;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteConversationReferenceStore(SqliteDb db) : IConversationReferenceStore
{
    public Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO conversation_refs(user_id, channel, conversation_id, reference, last_seen) VALUES($u, $ch, $c, $r, $at) " +
            "ON CONFLICT(user_id, channel) DO UPDATE SET conversation_id = excluded.conversation_id, reference = excluded.reference, " +
            "last_seen = excluded.last_seen")
            .With("$u", reference.UserId).With("$ch", reference.Channel).With("$c", reference.ConversationId)
            .With("$r", reference.Reference).With("$at", reference.LastSeen.Db());
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ConversationReference>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT user_id, channel, conversation_id, reference, last_seen FROM conversation_refs WHERE user_id = $u " +
            "ORDER BY last_seen DESC, channel")
            .With("$u", userId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<ConversationReference>();
        while (r.Read())
        {
            list.Add(new ConversationReference(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Instant(4)!.Value));
        }

        return Task.FromResult<IReadOnlyList<ConversationReference>>(list);
    }
}

public sealed class SqliteInboundEventLog(SqliteDb db) : IInboundEventLog
{
    public Task<bool> TryMarkSeenAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("INSERT INTO inbound_events(key, at) VALUES($k, $at) ON CONFLICT(key) DO NOTHING")
            .With("$k", key).With("$at", at.Db());
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("DELETE FROM inbound_events WHERE at < $b").With("$b", before.Db());
        return Task.FromResult(cmd.ExecuteNonQuery());
    }

    public Task<int> PruneAsync(DateTimeOffset before, string keyPrefix, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("DELETE FROM inbound_events WHERE at < $b AND substr(key, 1, length($p)) = $p")
            .With("$b", before.Db()).With("$p", keyPrefix);
        return Task.FromResult(cmd.ExecuteNonQuery());
    }
}

public sealed class SqliteAlertStore(SqliteDb db) : IAlertStore
{
    private const string Columns =
        "id, trigger, account_id, recipient_id, priority, summary, dedupe_key, raised_at, delivery, delivered_at, delivered_via";

    public Task<AlertRaise> TryRaiseAsync(Alert alert, int maxImmediatePerHour, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        return Task.FromResult(c.Immediate(() =>
        {
            using SqliteCommand exists = c.Command("SELECT 1 FROM alerts WHERE dedupe_key = $k").With("$k", alert.DedupeKey);
            if (exists.ExecuteScalar() is not null)
            {
                return AlertRaise.Duplicate;
            }

            using SqliteCommand recent = c.Command(
                "SELECT count(*) FROM alerts WHERE recipient_id = $r AND raised_at > $since AND delivery IN ('pending', 'sent')")
                .With("$r", alert.RecipientId).With("$since", alert.RaisedAt.AddHours(-1).Db());
            bool held = alert.Delivery == AlertDelivery.Pending
                && Convert.ToInt64(recent.ExecuteScalar(), CultureInfo.InvariantCulture) >= maxImmediatePerHour;
            Alert stored = held ? alert with { Delivery = AlertDelivery.Digest } : alert;
            using SqliteCommand insert = c.Command(
                $"INSERT INTO alerts({Columns}) VALUES($id, $t, $a, $r, $p, $s, $k, $at, $d, $dat, $via)")
                .With("$id", stored.Id).With("$t", stored.Trigger).With("$a", stored.AccountId).With("$r", stored.RecipientId)
                .With("$p", stored.Priority).With("$s", stored.Summary).With("$k", stored.DedupeKey).With("$at", stored.RaisedAt.Db())
                .With("$d", Vocabulary.ToSnake(stored.Delivery)).With("$dat", stored.DeliveredAt.Db()).With("$via", stored.DeliveredVia);
            insert.ExecuteNonQuery();
            return held ? AlertRaise.Held : AlertRaise.Raised;
        }));
    }

    public Task<Alert?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command($"SELECT {Columns} FROM alerts WHERE id = $id").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<IReadOnlyList<Alert>> ListAsync(
        string? recipientId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        AlertDelivery? delivery,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            $"SELECT {Columns} FROM alerts WHERE ($r IS NULL OR recipient_id = $r) AND ($f IS NULL OR raised_at >= $f) " +
            "AND ($t IS NULL OR raised_at < $t) AND ($d IS NULL OR delivery = $d) ORDER BY raised_at, id")
            .With("$r", recipientId).With("$f", from.Db()).With("$t", to.Db())
            .With("$d", delivery is { } d ? Vocabulary.ToSnake(d) : null);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<Alert>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<Alert>>(list);
    }

    public Task<bool> MarkAsync(string id, AlertDelivery expected, AlertDelivery delivery, string? via, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "UPDATE alerts SET delivery = $d, delivered_at = $at, delivered_via = coalesce($via, delivered_via) WHERE id = $id AND delivery = $e")
            .With("$d", Vocabulary.ToSnake(delivery)).With("$at", at.Db()).With("$via", via).With("$id", id)
            .With("$e", Vocabulary.ToSnake(expected));
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public Task DismissAsync(AlertDismissal dismissal, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO alert_dismissals(user_id, trigger, account_id, at) VALUES($u, $t, $a, $at) " +
            "ON CONFLICT(user_id, trigger, account_id) DO UPDATE SET at = excluded.at")
            .With("$u", dismissal.UserId).With("$t", dismissal.Trigger).With("$a", dismissal.AccountId).With("$at", dismissal.At.Db());
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AlertDismissal>> ListDismissalsAsync(string userId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT user_id, trigger, account_id, at FROM alert_dismissals WHERE user_id = $u ORDER BY at, trigger, account_id")
            .With("$u", userId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<AlertDismissal>();
        while (r.Read())
        {
            list.Add(new AlertDismissal(r.GetString(0), r.GetString(1), r.GetString(2), r.Instant(3)!.Value));
        }

        return Task.FromResult<IReadOnlyList<AlertDismissal>>(list);
    }

    private static Alert Read(SqliteDataReader r) =>
        new(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetString(5), r.GetString(6),
            r.Instant(7)!.Value, Vocabulary.FromSnake<AlertDelivery>(r.GetString(8)), r.Instant(9), r.Text(10));
}
