using System.Globalization;
using System.Text.Json;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>
/// The growth data on SQLite. Feature names are compared ignoring ASCII case (the columns are <c>COLLATE NOCASE</c>);
/// every row names a feature as the catalogue spells it when the catalogue has it, otherwise as it was first written.
/// </summary>
public sealed class SqliteGrowthStore(SqliteDb db) : IGrowthStore
{
    public Task<IReadOnlyList<ProductFeature>> ListFeaturesAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT name, requires, min_plan, key FROM product_features ORDER BY name, name COLLATE BINARY");
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<ProductFeature>();
        while (r.Read())
        {
            list.Add(new ProductFeature(r.GetString(0), ReadRequires(r.GetString(1)), Vocabulary.FromSnake<Plan>(r.GetString(2)), r.GetInt64(3) != 0));
        }

        return Task.FromResult<IReadOnlyList<ProductFeature>>(list);
    }

    public Task<int> UpsertFeaturesAsync(IReadOnlyList<ProductFeature> features, CancellationToken cancellationToken = default) =>
        InTransaction((c, tx) => UpsertFeatures(c, tx, features));

    public Task<IReadOnlyList<FeatureUsageMonth>> ListFeatureUsageAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT account_id, month, feature, users FROM feature_usage WHERE ($id IS NULL OR account_id = $id) ORDER BY account_id, month, feature")
            .With("$id", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<FeatureUsageMonth>();
        while (r.Read())
        {
            list.Add(new FeatureUsageMonth(r.GetString(0), r.Date(1)!.Value, r.GetString(2), r.GetInt32(3)));
        }

        return Task.FromResult<IReadOnlyList<FeatureUsageMonth>>(list);
    }

    public Task<int> UpsertFeatureUsageAsync(IReadOnlyList<FeatureUsageMonth> usage, CancellationToken cancellationToken = default) =>
        InTransaction((c, tx) => UpsertFeatureUsage(c, tx, usage));

    public Task<IReadOnlyList<FeatureFirstUse>> ListFirstUsesAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT account_id, feature, first_used_on FROM feature_first_uses WHERE ($id IS NULL OR account_id = $id) " +
            "ORDER BY account_id, first_used_on, feature")
            .With("$id", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<FeatureFirstUse>();
        while (r.Read())
        {
            list.Add(new FeatureFirstUse(r.GetString(0), r.GetString(1), r.Date(2)!.Value));
        }

        return Task.FromResult<IReadOnlyList<FeatureFirstUse>>(list);
    }

    public Task<int> UpsertFirstUsesAsync(IReadOnlyList<FeatureFirstUse> firstUses, CancellationToken cancellationToken = default) =>
        InTransaction((c, tx) => UpsertFirstUses(c, tx, firstUses));

    public Task<FeatureEventsApplied> ApplyFeatureEventsAsync(IReadOnlyList<FeatureEvent> events, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction(deferred: false);
        using SqliteCommand record = c.Command(
            "INSERT INTO feature_events(id, account_id, feature, at, users) VALUES($id, $a, " + Catalogued("$f") + ", $at, $u) " +
            "ON CONFLICT(id) DO NOTHING", tx);
        SqliteParameter[] rp = record.Params("$id", "$a", "$f", "$at", "$u");
        using var rows = new Writer(c, tx);
        int applied = 0;
        var fresh = new List<(string Account, string Feature)>();
        foreach (FeatureEvent e in events)
        {
            rp[0].Set(e.Id);
            rp[1].Set(e.AccountId);
            rp[2].Set(e.Feature);
            rp[3].Set(e.At.Db());
            rp[4].Set(e.Users);
            if (record.ExecuteNonQuery() == 0)
            {
                continue;
            }

            applied++;
            DateOnly day = Day(e.At);
            rows.Usage(e.AccountId, new DateOnly(day.Year, day.Month, 1), e.Feature, e.Users, keepHighest: true);
            if (e.Users > 0 && rows.FirstUse(e.AccountId, e.Feature, day, before: day.AddDays(1)))
            {
                fresh.Add((e.AccountId, e.Feature));
            }
        }

        // Reported as the batch left them (two new events of one feature give one first use, the earlier day), ordered by
        // account, day and feature.
        List<FeatureFirstUse> firstUses = [.. fresh.Select(f => rows.StoredFirstUse(f.Account, f.Feature)).Distinct()
            .OrderBy(f => f.AccountId, StringComparer.Ordinal).ThenBy(f => f.FirstUsedOn).ThenBy(f => FeatureNames.Key(f.Feature), StringComparer.Ordinal)];
        tx.Commit();
        return Task.FromResult(new FeatureEventsApplied(applied, firstUses));
    }

    public Task<IReadOnlyList<SubscriptionChange>> ListSubscriptionsAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT id, account_id, on_date, plan, seats, arr FROM subscriptions WHERE ($id IS NULL OR account_id = $id) ORDER BY account_id, on_date, id")
            .With("$id", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<SubscriptionChange>();
        while (r.Read())
        {
            list.Add(new SubscriptionChange(
                r.GetString(0), r.GetString(1), r.Date(2)!.Value, Vocabulary.FromSnake<Plan>(r.GetString(3)), r.GetInt32(4),
                decimal.Parse(r.GetString(5), NumberStyles.Number, CultureInfo.InvariantCulture)));
        }

        return Task.FromResult<IReadOnlyList<SubscriptionChange>>(list);
    }

    public Task<int> UpsertSubscriptionsAsync(IReadOnlyList<SubscriptionChange> changes, CancellationToken cancellationToken = default) =>
        InTransaction((c, tx) => UpsertSubscriptions(c, tx, changes));

    internal static int UpsertFeatures(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<ProductFeature> features)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM product_features WHERE name = $n", tx);
        SqliteParameter en = exists.Param("$n");
        // The name keeps its first spelling; rows naming the feature take the catalogue's.
        using SqliteCommand cmd = c.Command(
            "INSERT INTO product_features(name, requires, min_plan, key) VALUES($n, $r, $p, $k) " +
            "ON CONFLICT(name) DO UPDATE SET requires = excluded.requires, min_plan = excluded.min_plan, key = excluded.key",
            tx);
        SqliteParameter[] p = cmd.Params("$n", "$r", "$p", "$k");
        using SqliteCommand spellUsage = c.Command(
            "UPDATE feature_usage SET feature = (SELECT name FROM product_features WHERE name = $n) WHERE feature = $n AND feature <> (SELECT name FROM product_features WHERE name = $n) COLLATE BINARY", tx);
        SqliteParameter su = spellUsage.Param("$n");
        using SqliteCommand spellFirst = c.Command(
            "UPDATE feature_first_uses SET feature = (SELECT name FROM product_features WHERE name = $n) WHERE feature = $n AND feature <> (SELECT name FROM product_features WHERE name = $n) COLLATE BINARY", tx);
        SqliteParameter sf = spellFirst.Param("$n");
        int inserted = 0;
        foreach (ProductFeature f in features)
        {
            en.Set(f.Name);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(f.Name);
            p[1].Set(WriteRequires(f.Requires));
            p[2].Set(Vocabulary.ToSnake(f.MinPlan));
            p[3].Set(f.Key ? 1 : 0);
            cmd.ExecuteNonQuery();
            su.Set(f.Name);
            spellUsage.ExecuteNonQuery();
            sf.Set(f.Name);
            spellFirst.ExecuteNonQuery();
        }

        return inserted;
    }

    internal static int UpsertFeatureUsage(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<FeatureUsageMonth> usage)
    {
        using var rows = new Writer(c, tx);
        int inserted = 0;
        foreach (FeatureUsageMonth u in usage)
        {
            var month = new DateOnly(u.Month.Year, u.Month.Month, 1);
            if (rows.Usage(u.AccountId, month, u.Feature, u.Users, keepHighest: false))
            {
                inserted++;
            }

            if (u.Users > 0)
            {
                rows.FirstUse(u.AccountId, u.Feature, month, before: month.AddMonths(1));
            }
        }

        return inserted;
    }

    internal static int UpsertFirstUses(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<FeatureFirstUse> firstUses)
    {
        using var rows = new Writer(c, tx);
        int inserted = 0;
        foreach (FeatureFirstUse f in firstUses)
        {
            if (rows.FirstUse(f.AccountId, f.Feature, f.FirstUsedOn, before: f.FirstUsedOn.AddDays(1)))
            {
                inserted++;
            }
        }

        return inserted;
    }

    internal static int UpsertSubscriptions(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<SubscriptionChange> changes)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM subscriptions WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            "INSERT INTO subscriptions(id, account_id, on_date, plan, seats, arr) VALUES($id, $a, $on, $p, $s, $arr) " +
            "ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, on_date = excluded.on_date, plan = excluded.plan, " +
            "seats = excluded.seats, arr = excluded.arr",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$a", "$on", "$p", "$s", "$arr");
        int inserted = 0;
        foreach (SubscriptionChange x in changes)
        {
            eid.Set(x.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(x.Id);
            p[1].Set(x.AccountId);
            p[2].Set(x.On.Db());
            p[3].Set(Vocabulary.ToSnake(x.Plan));
            p[4].Set(x.Seats);
            p[5].Set(x.Arr.ToString(CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    /// <summary>The feature's name as the catalogue spells it, or as given when the catalogue does not have it.</summary>
    private static string Catalogued(string parameter) =>
        $"coalesce((SELECT name FROM product_features WHERE name = {parameter}), {parameter})";

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static string WriteRequires(IReadOnlyList<string> requires) => JsonSerializer.Serialize(requires);

    private static IReadOnlyList<string> ReadRequires(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    private Task<int> InTransaction(Func<SqliteConnection, SqliteTransaction, int> work)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int result = work(c, tx);
        tx.Commit();
        return Task.FromResult(result);
    }

    /// <summary>The prepared statements for feature usage and first-use rows, inside one transaction.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteCommand _usageExists;
        private readonly SqliteCommand _usage;
        private readonly SqliteCommand _usageHighest;
        private readonly SqliteCommand _firstExists;
        private readonly SqliteCommand _first;
        private readonly SqliteCommand _storedFirst;

        public Writer(SqliteConnection c, SqliteTransaction tx)
        {
            _usageExists = c.Command("SELECT 1 FROM feature_usage WHERE account_id = $a AND month = $m AND feature = $f", tx);
            _usageExists.Params("$a", "$m", "$f");
            _usage = c.Command(
                "INSERT INTO feature_usage(account_id, month, feature, users) VALUES($a, $m, " + Catalogued("$f") + ", $u) " +
                "ON CONFLICT(account_id, month, feature) DO UPDATE SET users = excluded.users", tx);
            _usage.Params("$a", "$m", "$f", "$u");
            _usageHighest = c.Command(
                "INSERT INTO feature_usage(account_id, month, feature, users) VALUES($a, $m, " + Catalogued("$f") + ", $u) " +
                "ON CONFLICT(account_id, month, feature) DO UPDATE SET users = max(users, excluded.users)", tx);
            _usageHighest.Params("$a", "$m", "$f", "$u");
            _firstExists = c.Command("SELECT 1 FROM feature_first_uses WHERE account_id = $a AND feature = $f", tx);
            _firstExists.Params("$a", "$f");
            // A first use known before $before stays; otherwise the given day is the first use.
            _first = c.Command(
                "INSERT INTO feature_first_uses(account_id, feature, first_used_on) VALUES($a, " + Catalogued("$f") + ", $d) " +
                "ON CONFLICT(account_id, feature) DO UPDATE SET first_used_on = " +
                "CASE WHEN first_used_on < $before THEN first_used_on ELSE excluded.first_used_on END", tx);
            _first.Params("$a", "$f", "$d", "$before");
            _storedFirst = c.Command("SELECT feature, first_used_on FROM feature_first_uses WHERE account_id = $a AND feature = $f", tx);
            _storedFirst.Params("$a", "$f");
        }

        /// <summary>Writes a month's row; true when it was new.</summary>
        public bool Usage(string account, DateOnly month, string feature, int users, bool keepHighest)
        {
            bool isNew = !Exists(_usageExists, account, month.Db(), feature);
            SqliteCommand cmd = keepHighest ? _usageHighest : _usage;
            cmd.Parameters[0].Value = account;
            cmd.Parameters[1].Value = month.Db();
            cmd.Parameters[2].Value = feature;
            cmd.Parameters[3].Value = users;
            cmd.ExecuteNonQuery();
            return isNew;
        }

        /// <summary>Records <paramref name="day"/> as the first use unless one before <paramref name="before"/> is known; true when the account had none.</summary>
        public bool FirstUse(string account, string feature, DateOnly day, DateOnly before)
        {
            bool isNew = !Exists(_firstExists, account, feature);
            _first.Parameters[0].Value = account;
            _first.Parameters[1].Value = feature;
            _first.Parameters[2].Value = day.Db();
            _first.Parameters[3].Value = before.Db();
            _first.ExecuteNonQuery();
            return isNew;
        }

        public FeatureFirstUse StoredFirstUse(string account, string feature)
        {
            _storedFirst.Parameters[0].Value = account;
            _storedFirst.Parameters[1].Value = feature;
            using SqliteDataReader r = _storedFirst.ExecuteReader();
            r.Read();
            return new FeatureFirstUse(account, r.GetString(0), r.Date(1)!.Value);
        }

        public void Dispose()
        {
            _usageExists.Dispose();
            _usage.Dispose();
            _usageHighest.Dispose();
            _firstExists.Dispose();
            _first.Dispose();
            _storedFirst.Dispose();
        }

        private static bool Exists(SqliteCommand cmd, params object[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i].Value = values[i];
            }

            return cmd.ExecuteScalar() is not null;
        }
    }
}
