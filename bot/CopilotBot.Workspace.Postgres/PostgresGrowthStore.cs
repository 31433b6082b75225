using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// The growth data on PostgreSQL. Feature names are keys ignoring ASCII case (unique indexes on <c>lower(…)</c>); every
/// row names a feature as the catalogue spells it when the catalogue has it, otherwise as it was first written. Batches
/// are set-based (<c>unnest</c>) and lock rows in key order, so concurrent writers queue instead of deadlocking.
/// </summary>
public sealed class PostgresGrowthStore(NpgsqlDataSource db) : IGrowthStore
{
    private const int Chunk = 5000;

    /// <summary>The feature as the catalogue spells it (<c>k.f</c> is the name given).</summary>
    private const string CatalogueJoin = "LEFT JOIN product_features pf ON lower(pf.name) = lower(k.f)";

    public async Task<IReadOnlyList<ProductFeature>> ListFeaturesAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT name, requires, min_plan, key FROM product_features ORDER BY lower(name), name");
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ProductFeature>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ProductFeature(r.GetString(0), r.GetFieldValue<string[]>(1), Vocabulary.FromSnake<Plan>(r.GetString(2)), r.GetBoolean(3)));
        }

        return list;
    }

    public Task<int> UpsertFeaturesAsync(IReadOnlyList<ProductFeature> features, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => FeaturesAsync(c, tx, features, cancellationToken), cancellationToken, retryUniqueViolation: true);

    public async Task<IReadOnlyList<FeatureUsageMonth>> ListFeatureUsageAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT account_id, month, feature, users FROM feature_usage WHERE (@id IS NULL OR account_id = @id) " +
            "ORDER BY account_id, month, lower(feature), feature")
            .Text("id", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<FeatureUsageMonth>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new FeatureUsageMonth(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetInt32(3)));
        }

        return list;
    }

    public Task<int> UpsertFeatureUsageAsync(IReadOnlyList<FeatureUsageMonth> usage, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => FeatureUsageAsync(c, tx, usage, cancellationToken), cancellationToken, retryUniqueViolation: true);

    public async Task<IReadOnlyList<FeatureFirstUse>> ListFirstUsesAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT account_id, feature, first_used_on FROM feature_first_uses WHERE (@id IS NULL OR account_id = @id) " +
            "ORDER BY account_id, first_used_on, lower(feature), feature")
            .Text("id", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<FeatureFirstUse>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new FeatureFirstUse(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)));
        }

        return list;
    }

    public Task<int> UpsertFirstUsesAsync(IReadOnlyList<FeatureFirstUse> firstUses, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => FirstUsesAsync(c, tx, firstUses, cancellationToken), cancellationToken, retryUniqueViolation: true);

    public Task<FeatureEventsApplied> ApplyFeatureEventsAsync(IReadOnlyList<FeatureEvent> events, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // As for usage events: event ids first (in id order), then months and first uses in key order.
                await using NpgsqlCommand record = c.Command(
                    "INSERT INTO feature_events(id, account_id, feature, at, users) " +
                    "SELECT @id, @a, coalesce((SELECT name FROM product_features WHERE lower(name) = lower(@f)), @f), @at, @u " +
                    "ON CONFLICT(id) DO NOTHING", tx)
                    .Text("id", null).Text("a", null).Text("f", null).Instant("at", null).Int("u", null);
                var fresh = new List<FeatureEvent>();
                foreach (FeatureEvent e in events.OrderBy(e => e.Id, StringComparer.Ordinal))
                {
                    record.Parameters["id"].Value = e.Id;
                    record.Parameters["a"].Value = e.AccountId;
                    record.Parameters["f"].Value = e.Feature;
                    record.Parameters["at"].Value = PgCommands.ToDb(e.At);
                    record.Parameters["u"].Value = e.Users;
                    if (await record.ExecuteNonQueryAsync(cancellationToken) == 1)
                    {
                        fresh.Add(e);
                    }
                }

                await using NpgsqlCommand usage = c.Command(
                    "INSERT INTO feature_usage(account_id, month, feature, users) " +
                    "SELECT @a, @m, coalesce((SELECT name FROM product_features WHERE lower(name) = lower(@f)), @f), @u " +
                    "ON CONFLICT(account_id, month, lower(feature)) DO UPDATE SET users = greatest(feature_usage.users, excluded.users)", tx)
                    .Text("a", null).Date("m", null).Text("f", null).Int("u", null);
                foreach (FeatureEvent e in fresh.OrderBy(e => e.AccountId, StringComparer.Ordinal).ThenBy(e => Month(Day(e.At)))
                    .ThenBy(e => FeatureNames.Key(e.Feature), StringComparer.Ordinal))
                {
                    usage.Parameters["a"].Value = e.AccountId;
                    usage.Parameters["m"].Value = Month(Day(e.At));
                    usage.Parameters["f"].Value = e.Feature;
                    usage.Parameters["u"].Value = e.Users;
                    await usage.ExecuteNonQueryAsync(cancellationToken);
                }

                // A first use moves earlier; it is new (reported) only when the account had none for the feature.
                await using NpgsqlCommand first = c.Command(
                    "INSERT INTO feature_first_uses(account_id, feature, first_used_on) " +
                    "SELECT @a, coalesce((SELECT name FROM product_features WHERE lower(name) = lower(@f)), @f), @d " +
                    "ON CONFLICT(account_id, lower(feature)) DO UPDATE SET first_used_on = least(feature_first_uses.first_used_on, excluded.first_used_on) " +
                    "RETURNING (xmax = 0)", tx)
                    .Text("a", null).Text("f", null).Date("d", null);
                var news = new List<(string Account, string Feature)>();
                foreach (FeatureEvent e in fresh.Where(e => e.Users > 0).OrderBy(e => e.AccountId, StringComparer.Ordinal)
                    .ThenBy(e => FeatureNames.Key(e.Feature), StringComparer.Ordinal))
                {
                    first.Parameters["a"].Value = e.AccountId;
                    first.Parameters["f"].Value = e.Feature;
                    first.Parameters["d"].Value = Day(e.At);
                    if (await first.ExecuteScalarAsync(cancellationToken) is true)
                    {
                        news.Add((e.AccountId, e.Feature));
                    }
                }

                var firstUses = new List<FeatureFirstUse>(news.Count);
                if (news.Count > 0)
                {
                    await using NpgsqlCommand stored = c.Command(
                        "SELECT u.account_id, u.feature, u.first_used_on FROM feature_first_uses u " +
                        "JOIN unnest(@a, @f) AS k(a, f) ON u.account_id = k.a AND lower(u.feature) = lower(k.f)", tx)
                        .Array("a", NpgsqlDbType.Text, news.Select(n => n.Account).ToArray())
                        .Array("f", NpgsqlDbType.Text, news.Select(n => n.Feature).ToArray());
                    await using NpgsqlDataReader r = await stored.ExecuteReaderAsync(cancellationToken);
                    while (await r.ReadAsync(cancellationToken))
                    {
                        firstUses.Add(new FeatureFirstUse(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)));
                    }
                }

                return new FeatureEventsApplied(fresh.Count, Ordered(firstUses));
            },
            cancellationToken);

    public async Task<IReadOnlyList<SubscriptionChange>> ListSubscriptionsAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT id, account_id, on_date, plan, seats, arr FROM subscriptions WHERE (@id IS NULL OR account_id = @id) ORDER BY account_id, on_date, id")
            .Text("id", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<SubscriptionChange>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new SubscriptionChange(
                r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), Vocabulary.FromSnake<Plan>(r.GetString(3)), r.GetInt32(4), r.GetDecimal(5)));
        }

        return list;
    }

    public Task<int> UpsertSubscriptionsAsync(IReadOnlyList<SubscriptionChange> changes, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => SubscriptionsAsync(c, tx, changes, cancellationToken), cancellationToken);

    /// <summary>Features by name ignoring case (the first spelling stays; rows naming the feature take it); returns how many were new.</summary>
    internal static async Task<int> FeaturesAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<ProductFeature> features, CancellationToken ct)
    {
        if (features.Count == 0)
        {
            return 0;
        }

        // The last row for a name wins, under the spelling the batch first gave it (as one-by-one upserts would leave it).
        var rows = Merge(features, f => FeatureNames.Key(f.Name), (first, last) => last with { Name = first.Name });
        int inserted = 0;
        foreach (ProductFeature[] chunk in rows.Chunk(Chunk))
        {
            string[] names = [.. chunk.Select(f => f.Name)];
            await using (NpgsqlCommand existing = c.Command(
                "SELECT count(*) FROM product_features WHERE lower(name) = ANY(SELECT lower(n) FROM unnest(@n) AS n)", tx)
                .Array("n", NpgsqlDbType.Text, names))
            {
                inserted += names.Length - Convert.ToInt32(await existing.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            foreach (ProductFeature f in chunk)
            {
                await using NpgsqlCommand cmd = c.Command(
                    "INSERT INTO product_features(name, requires, min_plan, key) VALUES(@n, @r, @p, @k) " +
                    "ON CONFLICT(lower(name)) DO UPDATE SET requires = excluded.requires, min_plan = excluded.min_plan, key = excluded.key", tx)
                    .Text("n", f.Name).Array("r", NpgsqlDbType.Text, f.Requires.ToArray()).Enum("p", f.MinPlan);
                cmd.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Boolean) { Value = f.Key });
                await cmd.ExecuteNonQueryAsync(ct);
            }

            foreach (string table in new[] { "feature_usage", "feature_first_uses" })
            {
                await using NpgsqlCommand spell = c.Command(
                    $"UPDATE {table} t SET feature = pf.name FROM product_features pf " +
                    "WHERE lower(pf.name) = ANY(SELECT lower(n) FROM unnest(@n) AS n) AND lower(t.feature) = lower(pf.name) AND t.feature <> pf.name", tx)
                    .Array("n", NpgsqlDbType.Text, names);
                await spell.ExecuteNonQueryAsync(ct);
            }
        }

        return inserted;
    }

    /// <summary>Usage rows by (account, month, feature); rows with users move first uses as the interface says. Returns how many were new.</summary>
    internal static async Task<int> FeatureUsageAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<FeatureUsageMonth> usage, CancellationToken ct)
    {
        if (usage.Count == 0)
        {
            return 0;
        }

        var rows = Merge(
            usage.Select(u => u with { Month = Month(u.Month) }).ToList(),
            u => Key(u.AccountId, Vocabulary.Format(u.Month), FeatureNames.Key(u.Feature)),
            (first, last) => last with { Feature = first.Feature });
        int inserted = 0;
        foreach (FeatureUsageMonth[] chunk in rows.Chunk(Chunk))
        {
            string[] accounts = [.. chunk.Select(u => u.AccountId)];
            DateOnly[] months = [.. chunk.Select(u => u.Month)];
            string[] features = [.. chunk.Select(u => u.Feature)];
            await using (NpgsqlCommand existing = c.Command(
                "SELECT count(*) FROM feature_usage u JOIN unnest(@a, @m, @f) AS k(a, m, f) " +
                "ON u.account_id = k.a AND u.month = k.m AND lower(u.feature) = lower(k.f)", tx)
                .Array("a", NpgsqlDbType.Text, accounts).Array("m", NpgsqlDbType.Date, months).Array("f", NpgsqlDbType.Text, features))
            {
                inserted += accounts.Length - Convert.ToInt32(await existing.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO feature_usage(account_id, month, feature, users) " +
                $"SELECT k.a, k.m, coalesce(pf.name, k.f), k.u FROM unnest(@a, @m, @f, @u) WITH ORDINALITY AS k(a, m, f, u, i) {CatalogueJoin} ORDER BY k.i " +
                "ON CONFLICT(account_id, month, lower(feature)) DO UPDATE SET users = excluded.users", tx)
                .Array("a", NpgsqlDbType.Text, accounts).Array("m", NpgsqlDbType.Date, months).Array("f", NpgsqlDbType.Text, features)
                .Array("u", NpgsqlDbType.Integer, chunk.Select(u => u.Users).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        // Applied one by one, "the month's first day unless a first use within or before the month is known" leaves the
        // earliest month given, unless the stored first use is before that month's end.
        var earliest = Merge(
            usage.Where(u => u.Users > 0).Select(u => new FeatureFirstUse(u.AccountId, u.Feature, Month(u.Month))).ToList(),
            f => Key(f.AccountId, FeatureNames.Key(f.Feature)),
            (first, last) => first with { FirstUsedOn = first.FirstUsedOn <= last.FirstUsedOn ? first.FirstUsedOn : last.FirstUsedOn });
        await WriteFirstUsesAsync(
            c, tx, earliest, "CASE WHEN feature_first_uses.first_used_on < (excluded.first_used_on + interval '1 month')::date " +
            "THEN feature_first_uses.first_used_on ELSE excluded.first_used_on END", ct);
        return inserted;
    }

    /// <summary>First uses, keeping the earlier day; returns how many were new.</summary>
    internal static Task<int> FirstUsesAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<FeatureFirstUse> firstUses, CancellationToken ct)
    {
        var rows = Merge(
            firstUses,
            f => Key(f.AccountId, FeatureNames.Key(f.Feature)),
            (first, last) => first with { FirstUsedOn = first.FirstUsedOn <= last.FirstUsedOn ? first.FirstUsedOn : last.FirstUsedOn });
        return WriteFirstUsesAsync(c, tx, rows, "least(feature_first_uses.first_used_on, excluded.first_used_on)", ct);
    }

    internal static async Task<int> SubscriptionsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<SubscriptionChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return 0;
        }

        var rows = Merge(changes, s => s.Id, (_, last) => last);
        int inserted = 0;
        foreach (SubscriptionChange[] chunk in rows.Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(s => s.Id)];
            await using (NpgsqlCommand existing = c.Command("SELECT count(*) FROM subscriptions WHERE id = ANY(@k)", tx).Array("k", NpgsqlDbType.Text, ids))
            {
                inserted += ids.Length - Convert.ToInt32(await existing.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO subscriptions(id, account_id, on_date, plan, seats, arr) SELECT * FROM unnest(@id, @a, @on, @p, @s, @arr) " +
                "ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, on_date = excluded.on_date, plan = excluded.plan, " +
                "seats = excluded.seats, arr = excluded.arr", tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("a", NpgsqlDbType.Text, chunk.Select(s => s.AccountId).ToArray())
                .Array("on", NpgsqlDbType.Date, chunk.Select(s => s.On).ToArray())
                .Array("p", NpgsqlDbType.Text, chunk.Select(s => Vocabulary.ToSnake(s.Plan)).ToArray())
                .Array("s", NpgsqlDbType.Integer, chunk.Select(s => s.Seats).ToArray())
                .Array("arr", NpgsqlDbType.Numeric, chunk.Select(s => s.Arr).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    private static async Task<int> WriteFirstUsesAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<FeatureFirstUse> rows, string onConflict, CancellationToken ct)
    {
        int inserted = 0;
        foreach (FeatureFirstUse[] chunk in rows.Chunk(Chunk))
        {
            string[] accounts = [.. chunk.Select(f => f.AccountId)];
            string[] features = [.. chunk.Select(f => f.Feature)];
            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO feature_first_uses(account_id, feature, first_used_on) " +
                $"SELECT k.a, coalesce(pf.name, k.f), k.d FROM unnest(@a, @f, @d) WITH ORDINALITY AS k(a, f, d, i) {CatalogueJoin} ORDER BY k.i " +
                $"ON CONFLICT(account_id, lower(feature)) DO UPDATE SET first_used_on = {onConflict} RETURNING (xmax = 0)", tx)
                .Array("a", NpgsqlDbType.Text, accounts).Array("f", NpgsqlDbType.Text, features)
                .Array("d", NpgsqlDbType.Date, chunk.Select(f => f.FirstUsedOn).ToArray());
            await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                inserted += r.GetBoolean(0) ? 1 : 0;
            }
        }

        return inserted;
    }

    /// <summary>
    /// One row per key, sorted by key (so concurrent batches lock rows in the same order): <paramref name="combine"/> folds
    /// a later row for the key into the one kept so far.
    /// </summary>
    private static List<T> Merge<T>(IReadOnlyList<T> rows, Func<T, string> key, Func<T, T, T> combine)
    {
        var kept = new Dictionary<string, T>(rows.Count, StringComparer.Ordinal);
        foreach (T row in rows)
        {
            string k = key(row);
            kept[k] = kept.TryGetValue(k, out T? earlier) ? combine(earlier, row) : row;
        }

        return [.. kept.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)];
    }

    /// <summary>A composite key whose ordinal order is the order of its parts.</summary>
    private static string Key(params string[] parts) => string.Join('\0', parts);

    private static List<FeatureFirstUse> Ordered(List<FeatureFirstUse> firstUses) =>
        [.. firstUses.OrderBy(f => f.AccountId, StringComparer.Ordinal).ThenBy(f => f.FirstUsedOn).ThenBy(f => FeatureNames.Key(f.Feature), StringComparer.Ordinal)];

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static DateOnly Month(DateOnly day) => new(day.Year, day.Month, 1);
}
