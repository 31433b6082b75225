using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteActivityStore(SqliteDb db) : IActivityStore
{
    public Task<IReadOnlyList<UsageMonth>> GetUsageAsync(string accountId, CancellationToken cancellationToken = default) =>
        QueryUsage(accountId);

    public Task<IReadOnlyList<UsageMonth>> ListUsageAsync(CancellationToken cancellationToken = default) => QueryUsage(null);

    public Task<IReadOnlyList<Payment>> GetPaymentsAsync(string accountId, CancellationToken cancellationToken = default) =>
        QueryPayments(accountId);

    public Task<IReadOnlyList<Payment>> ListPaymentsAsync(CancellationToken cancellationToken = default) => QueryPayments(null);

    private Task<IReadOnlyList<UsageMonth>> QueryUsage(string? accountId)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT account_id, month, active_users, logins, feature_adoption FROM usage_monthly WHERE ($id IS NULL OR account_id = $id) ORDER BY account_id, month")
            .With("$id", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<UsageMonth>();
        while (r.Read())
        {
            list.Add(new UsageMonth(r.GetString(0), r.Date(1)!.Value, r.GetInt32(2), r.GetInt32(3), r.GetDouble(4)));
        }

        return Task.FromResult<IReadOnlyList<UsageMonth>>(list);
    }

    private Task<IReadOnlyList<Payment>> QueryPayments(string? accountId)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT id, account_id, due_date, paid_date, amount, status FROM payments WHERE ($id IS NULL OR account_id = $id) ORDER BY account_id, due_date, id")
            .With("$id", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<Payment>();
        while (r.Read())
        {
            list.Add(new Payment(
                r.GetString(0), r.GetString(1), r.Date(2)!.Value, r.Date(3), (decimal)r.GetDouble(4),
                Vocabulary.FromSnake<PaymentStatus>(r.GetString(5))));
        }

        return Task.FromResult<IReadOnlyList<Payment>>(list);
    }

    public Task<int> UpsertUsageAsync(IReadOnlyList<UsageMonth> usage, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = UpsertUsage(c, tx, usage);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    public Task<int> UpsertPaymentsAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = UpsertPayments(c, tx, payments);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    internal static int UpsertUsage(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<UsageMonth> usage)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM usage_monthly WHERE account_id = $a AND month = $m", tx);
        SqliteParameter ea = exists.Param("$a");
        SqliteParameter em = exists.Param("$m");
        using SqliteCommand cmd = c.Command(
            "INSERT INTO usage_monthly(account_id, month, active_users, logins, feature_adoption) VALUES($a,$m,$u,$l,$f) " +
            "ON CONFLICT(account_id, month) DO UPDATE SET active_users=excluded.active_users, logins=excluded.logins, " +
            "feature_adoption=excluded.feature_adoption",
            tx);
        SqliteParameter[] p = cmd.Params("$a", "$m", "$u", "$l", "$f");
        int inserted = 0;
        foreach (UsageMonth u in usage)
        {
            ea.Set(u.AccountId);
            em.Set(u.Month.Db());
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(u.AccountId);
            p[1].Set(u.Month.Db());
            p[2].Set(u.ActiveUsers);
            p[3].Set(u.Logins);
            p[4].Set(u.FeatureAdoption);
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    internal static int UpsertPayments(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<Payment> payments)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM payments WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            "INSERT INTO payments(id, account_id, due_date, paid_date, amount, status) VALUES($id,$a,$due,$paid,$amt,$st) " +
            "ON CONFLICT(id) DO UPDATE SET account_id=excluded.account_id, due_date=excluded.due_date, paid_date=excluded.paid_date, " +
            "amount=excluded.amount, status=excluded.status",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$a", "$due", "$paid", "$amt", "$st");
        int inserted = 0;
        foreach (Payment x in payments)
        {
            eid.Set(x.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(x.Id);
            p[1].Set(x.AccountId);
            p[2].Set(x.DueDate.Db());
            p[3].Set(x.PaidDate.Db());
            p[4].Set((double)x.Amount);
            p[5].Set(Vocabulary.ToSnake(x.Status));
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    public Task<int> ApplyUsageEventsAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction(deferred: false);
        using SqliteCommand record = c.Command(
            "INSERT INTO usage_events(id, account_id, at, logins, active_users, feature_adoption) VALUES($id, $a, $at, $l, $u, $f) " +
            "ON CONFLICT(id) DO NOTHING", tx);
        SqliteParameter[] rp = record.Params("$id", "$a", "$at", "$l", "$u", "$f");
        using SqliteCommand apply = c.Command(
            "INSERT INTO usage_monthly(account_id, month, active_users, logins, feature_adoption) VALUES($a, $m, coalesce($u, 0), $l, coalesce($f, 0)) " +
            "ON CONFLICT(account_id, month) DO UPDATE SET logins = logins + excluded.logins, " +
            "active_users = max(active_users, coalesce($u, active_users)), feature_adoption = coalesce($f, feature_adoption)", tx);
        SqliteParameter[] ap = apply.Params("$a", "$m", "$u", "$l", "$f");
        int applied = 0;
        foreach (UsageEvent e in events)
        {
            rp[0].Set(e.Id);
            rp[1].Set(e.AccountId);
            rp[2].Set(e.At.Db());
            rp[3].Set(e.Logins);
            rp[4].Set(e.ActiveUsers);
            rp[5].Set(e.FeatureAdoption);
            if (record.ExecuteNonQuery() == 0)
            {
                continue;
            }

            DateTimeOffset utc = e.At.ToUniversalTime();
            ap[0].Set(e.AccountId);
            ap[1].Set(new DateOnly(utc.Year, utc.Month, 1).Db());
            ap[2].Set(e.ActiveUsers);
            ap[3].Set(e.Logins);
            ap[4].Set(e.FeatureAdoption);
            apply.ExecuteNonQuery();
            applied++;
        }

        tx.Commit();
        return Task.FromResult(applied);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> ListLastActivityAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT account_id, max(at) FROM usage_events WHERE logins > 0 GROUP BY account_id");
        using SqliteDataReader r = cmd.ExecuteReader();
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (r.Read())
        {
            last[r.GetString(0)] = r.Instant(1)!.Value;
        }

        return Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(last);
    }
}
