using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresAlertStore(NpgsqlDataSource db) : IAlertStore
{
    private const string Columns =
        "id, trigger, account_id, recipient_id, priority, summary, dedupe_key, raised_at, delivery, delivered_at, delivered_via";

    public Task<AlertRaise> TryRaiseAsync(Alert alert, int maxImmediatePerHour, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // The hourly limit is per recipient, so raises for one recipient queue on their own lock; the unique
                // dedupe key settles the rest (ON CONFLICT DO NOTHING: the loser of a race stores nothing).
                await AdvisoryLocks.LockAsync(c, tx, "alerts:" + alert.RecipientId, cancellationToken);
                await using (NpgsqlCommand exists = c.Command("SELECT 1 FROM alerts WHERE dedupe_key = @k", tx).Text("k", alert.DedupeKey))
                {
                    if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
                    {
                        return AlertRaise.Duplicate;
                    }
                }

                bool held = false;
                if (alert.Delivery == AlertDelivery.Pending)
                {
                    await using NpgsqlCommand recent = c.Command(
                        "SELECT count(*) FROM alerts WHERE recipient_id = @r AND raised_at > @since AND delivery IN ('pending', 'sent')", tx)
                        .Text("r", alert.RecipientId).Instant("since", alert.RaisedAt.AddHours(-1));
                    held = Convert.ToInt64(await recent.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) >= maxImmediatePerHour;
                }

                Alert stored = held ? alert with { Delivery = AlertDelivery.Digest } : alert;
                await using NpgsqlCommand insert = c.Command(
                    $"INSERT INTO alerts({Columns}) VALUES(@id, @t, @a, @r, @p, @s, @k, @at, @d, @dat, @via) ON CONFLICT(dedupe_key) DO NOTHING", tx)
                    .Text("id", stored.Id).Text("t", stored.Trigger).Text("a", stored.AccountId).Text("r", stored.RecipientId)
                    .Int("p", stored.Priority).Text("s", stored.Summary).Text("k", stored.DedupeKey).Instant("at", stored.RaisedAt)
                    .Enum("d", stored.Delivery).Instant("dat", stored.DeliveredAt).Text("via", stored.DeliveredVia);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return AlertRaise.Duplicate;
                }

                return held ? AlertRaise.Held : AlertRaise.Raised;
            },
            cancellationToken);

    public async Task<Alert?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command($"SELECT {Columns} FROM alerts WHERE id = @id").Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<Alert>> ListAsync(
        string? recipientId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        AlertDelivery? delivery,
        CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            $"SELECT {Columns} FROM alerts WHERE (@r IS NULL OR recipient_id = @r) AND (@f IS NULL OR raised_at >= @f) " +
            "AND (@t IS NULL OR raised_at < @t) AND (@d IS NULL OR delivery = @d) ORDER BY raised_at, id")
            .Text("r", recipientId).Instant("f", from).Instant("t", to).Enum("d", delivery);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<Alert>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public async Task<bool> MarkAsync(string id, AlertDelivery expected, AlertDelivery delivery, string? via, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "UPDATE alerts SET delivery = @d, delivered_at = @at, delivered_via = coalesce(@via, delivered_via) WHERE id = @id AND delivery = @e")
            .Enum("d", delivery).Instant("at", at).Text("via", via).Text("id", id).Enum("e", expected);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task DismissAsync(AlertDismissal dismissal, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO alert_dismissals(user_id, trigger, account_id, at) VALUES(@u, @t, @a, @at) " +
            "ON CONFLICT(user_id, trigger, account_id) DO UPDATE SET at = excluded.at")
            .Text("u", dismissal.UserId).Text("t", dismissal.Trigger).Text("a", dismissal.AccountId).Instant("at", dismissal.At);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AlertDismissal>> ListDismissalsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT user_id, trigger, account_id, at FROM alert_dismissals WHERE user_id = @u ORDER BY at, trigger, account_id")
            .Text("u", userId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<AlertDismissal>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new AlertDismissal(r.GetString(0), r.GetString(1), r.GetString(2), r.RequiredInstant(3)));
        }

        return list;
    }

    private static Alert Read(NpgsqlDataReader r) =>
        new(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetString(5), r.GetString(6),
            r.RequiredInstant(7), Vocabulary.FromSnake<AlertDelivery>(r.GetString(8)), r.Instant(9), r.Text(10));
}
