using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresActivityStore(NpgsqlDataSource db) : IActivityStore
{
    public Task<IReadOnlyList<UsageMonth>> GetUsageAsync(string accountId, CancellationToken cancellationToken = default) =>
        QueryUsageAsync(accountId, cancellationToken);

    public Task<IReadOnlyList<UsageMonth>> ListUsageAsync(CancellationToken cancellationToken = default) =>
        QueryUsageAsync(null, cancellationToken);

    public Task<IReadOnlyList<Payment>> GetPaymentsAsync(string accountId, CancellationToken cancellationToken = default) =>
        QueryPaymentsAsync(accountId, cancellationToken);

    public Task<IReadOnlyList<Payment>> ListPaymentsAsync(CancellationToken cancellationToken = default) =>
        QueryPaymentsAsync(null, cancellationToken);

    public Task<int> UpsertUsageAsync(IReadOnlyList<UsageMonth> usage, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.UsageAsync(c, tx, usage, cancellationToken), cancellationToken);

    public Task<int> UpsertPaymentsAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.PaymentsAsync(c, tx, payments, cancellationToken), cancellationToken);

    public Task<int> ApplyUsageEventsAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // Rows are locked in one global order (event ids, then months by key) so that concurrent batches queue
                // instead of deadlocking; each month still sees its own events in the order they were given, which is
                // all its result depends on.
                await using NpgsqlCommand record = c.Command(
                    "INSERT INTO usage_events(id, account_id, at, logins, active_users, feature_adoption) VALUES(@id, @a, @at, @l, @u, @f) " +
                    "ON CONFLICT(id) DO NOTHING", tx)
                    .Text("id", null).Text("a", null).Instant("at", null).Int("l", null).Int("u", null).Real("f", null);
                var fresh = new List<int>();
                foreach (int i in Enumerable.Range(0, events.Count).OrderBy(i => events[i].Id, StringComparer.Ordinal))
                {
                    // The event id's primary key makes a re-sent event a no-op, also when another instance applies it
                    // at the same moment: this insert waits for that transaction and then does nothing.
                    UsageEvent e = events[i];
                    record.Parameters["id"].Value = e.Id;
                    record.Parameters["a"].Value = e.AccountId;
                    record.Parameters["at"].Value = PgCommands.ToDb(e.At);
                    record.Parameters["l"].Value = e.Logins;
                    record.Parameters["u"].Value = (object?)e.ActiveUsers ?? DBNull.Value;
                    record.Parameters["f"].Value = (object?)e.FeatureAdoption ?? DBNull.Value;
                    if (await record.ExecuteNonQueryAsync(cancellationToken) == 1)
                    {
                        fresh.Add(i);
                    }
                }

                await using NpgsqlCommand apply = c.Command(
                    "INSERT INTO usage_monthly(account_id, month, active_users, logins, feature_adoption) " +
                    "VALUES(@a, @m, coalesce(@u, 0), @l, coalesce(@f, 0)) " +
                    "ON CONFLICT(account_id, month) DO UPDATE SET logins = usage_monthly.logins + excluded.logins, " +
                    "active_users = greatest(usage_monthly.active_users, coalesce(@u, usage_monthly.active_users)), " +
                    "feature_adoption = coalesce(@f, usage_monthly.feature_adoption)", tx)
                    .Text("a", null).Date("m", null).Int("u", null).Int("l", null).Real("f", null);
                foreach (int i in fresh.OrderBy(i => events[i].AccountId, StringComparer.Ordinal).ThenBy(i => Month(events[i].At)).ThenBy(i => i))
                {
                    UsageEvent e = events[i];
                    apply.Parameters["a"].Value = e.AccountId;
                    apply.Parameters["m"].Value = Month(e.At);
                    apply.Parameters["u"].Value = (object?)e.ActiveUsers ?? DBNull.Value;
                    apply.Parameters["l"].Value = e.Logins;
                    apply.Parameters["f"].Value = (object?)e.FeatureAdoption ?? DBNull.Value;
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                return fresh.Count;
            },
            cancellationToken);

    private static DateOnly Month(DateTimeOffset at)
    {
        DateTimeOffset utc = at.ToUniversalTime();
        return new DateOnly(utc.Year, utc.Month, 1);
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ListLastActivityAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT account_id, max(at) FROM usage_events WHERE logins > 0 GROUP BY account_id");
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await r.ReadAsync(cancellationToken))
        {
            last[r.GetString(0)] = r.RequiredInstant(1);
        }

        return last;
    }

    private async Task<IReadOnlyList<UsageMonth>> QueryUsageAsync(string? accountId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT account_id, month, active_users, logins, feature_adoption FROM usage_monthly " +
            "WHERE (@id IS NULL OR account_id = @id) ORDER BY account_id, month")
            .Text("id", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<UsageMonth>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new UsageMonth(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetDouble(4)));
        }

        return list;
    }

    private async Task<IReadOnlyList<Payment>> QueryPaymentsAsync(string? accountId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT id, account_id, due_date, paid_date, amount, status FROM payments " +
            "WHERE (@id IS NULL OR account_id = @id) ORDER BY account_id, due_date, id")
            .Text("id", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<Payment>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new Payment(
                r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.Date(3), r.GetDecimal(4),
                Vocabulary.FromSnake<PaymentStatus>(r.GetString(5))));
        }

        return list;
    }
}
