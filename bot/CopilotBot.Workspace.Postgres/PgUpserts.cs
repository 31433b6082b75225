using CopilotBot.Workspace.Domain;
using Npgsql;
using NpgsqlTypes;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Set-based upserts (<c>INSERT … SELECT FROM unnest(arrays) ON CONFLICT … DO UPDATE</c>) in chunks, inside the caller's
/// transaction; each returns how many keys were new. Within one call the last row for a key wins, as it does when
/// SQLite applies the rows one by one.
/// </summary>
internal static class PgUpserts
{
    private const int Chunk = 5000;

    public const string AccountColumns =
        "id, name, tier, arr, region, industry, owner_id, renewal_date, signup_date, seats, status, churned_on";

    public const string TaskColumns = "id, account_id, title, due_date, assignee_id, status, created_at, created_by, completed_at";

    public const string InterventionColumns =
        "id, account_id, kind, status, risk, created_at, created_by, draft, outcome_at, outcome_by, decided_by, decided_at";

    public static async Task<int> UsersAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<User> users, CancellationToken ct)
    {
        int inserted = 0;
        foreach (User[] chunk in LastWins(users, u => u.Id).Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(u => u.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM users WHERE id = ANY(@k)", ids, ct);
            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO users(id, name, email, role, manager_id) SELECT * FROM unnest(@id, @name, @email, @role, @manager) " +
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role, manager_id = excluded.manager_id",
                tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("name", NpgsqlDbType.Text, chunk.Select(u => u.Name).ToArray())
                .Array("email", NpgsqlDbType.Text, chunk.Select(u => u.Email).ToArray())
                .Array("role", NpgsqlDbType.Text, chunk.Select(u => Vocabulary.ToSnake(u.Role)).ToArray())
                .Array("manager", NpgsqlDbType.Text, chunk.Select(u => u.ManagerId).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static async Task<int> AccountsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<Account> accounts, CancellationToken ct)
    {
        int inserted = 0;
        foreach (Account[] chunk in LastWins(accounts, a => a.Id).Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(a => a.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM accounts WHERE id = ANY(@k)", ids, ct);
            await using NpgsqlCommand cmd = c.Command(
                $"INSERT INTO accounts({AccountColumns}) " +
                "SELECT * FROM unnest(@id, @name, @tier, @arr, @region, @industry, @owner, @renewal, @signup, @seats, @status, @churned) " +
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, tier = excluded.tier, arr = excluded.arr, region = excluded.region, " +
                "industry = excluded.industry, owner_id = excluded.owner_id, renewal_date = excluded.renewal_date, " +
                "signup_date = excluded.signup_date, seats = excluded.seats, status = excluded.status, churned_on = excluded.churned_on",
                tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("name", NpgsqlDbType.Text, chunk.Select(a => a.Name).ToArray())
                .Array("tier", NpgsqlDbType.Text, chunk.Select(a => a.Tier.ToString()).ToArray())
                .Array("arr", NpgsqlDbType.Numeric, chunk.Select(a => a.Arr).ToArray())
                .Array("region", NpgsqlDbType.Text, chunk.Select(a => a.Region.ToString()).ToArray())
                .Array("industry", NpgsqlDbType.Text, chunk.Select(a => a.Industry).ToArray())
                .Array("owner", NpgsqlDbType.Text, chunk.Select(a => a.OwnerId).ToArray())
                .Array("renewal", NpgsqlDbType.Date, chunk.Select(a => a.RenewalDate).ToArray())
                .Array("signup", NpgsqlDbType.Date, chunk.Select(a => a.SignupDate).ToArray())
                .Array("seats", NpgsqlDbType.Integer, chunk.Select(a => a.Seats).ToArray())
                .Array("status", NpgsqlDbType.Text, chunk.Select(a => Vocabulary.ToSnake(a.Status)).ToArray())
                .Array("churned", NpgsqlDbType.Date, chunk.Select(a => a.ChurnedOn).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static async Task<int> UsageAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<UsageMonth> usage, CancellationToken ct)
    {
        int inserted = 0;
        foreach (UsageMonth[] chunk in LastWins(usage, u => (u.AccountId, u.Month)).Chunk(Chunk))
        {
            string[] accounts = [.. chunk.Select(u => u.AccountId)];
            DateOnly[] months = [.. chunk.Select(u => u.Month)];
            await using (NpgsqlCommand existing = c.Command(
                "SELECT count(*) FROM usage_monthly u JOIN unnest(@a, @m) AS k(a, m) ON u.account_id = k.a AND u.month = k.m", tx)
                .Array("a", NpgsqlDbType.Text, accounts).Array("m", NpgsqlDbType.Date, months))
            {
                inserted += accounts.Length - Convert.ToInt32(await existing.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO usage_monthly(account_id, month, active_users, logins, feature_adoption) SELECT * FROM unnest(@a, @m, @u, @l, @f) " +
                "ON CONFLICT(account_id, month) DO UPDATE SET active_users = excluded.active_users, logins = excluded.logins, " +
                "feature_adoption = excluded.feature_adoption",
                tx)
                .Array("a", NpgsqlDbType.Text, accounts)
                .Array("m", NpgsqlDbType.Date, months)
                .Array("u", NpgsqlDbType.Integer, chunk.Select(u => u.ActiveUsers).ToArray())
                .Array("l", NpgsqlDbType.Integer, chunk.Select(u => u.Logins).ToArray())
                .Array("f", NpgsqlDbType.Double, chunk.Select(u => u.FeatureAdoption).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static async Task<int> PaymentsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<Payment> payments, CancellationToken ct)
    {
        int inserted = 0;
        foreach (Payment[] chunk in LastWins(payments, p => p.Id).Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(p => p.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM payments WHERE id = ANY(@k)", ids, ct);
            await using NpgsqlCommand cmd = c.Command(
                "INSERT INTO payments(id, account_id, due_date, paid_date, amount, status) SELECT * FROM unnest(@id, @a, @due, @paid, @amt, @st) " +
                "ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, due_date = excluded.due_date, paid_date = excluded.paid_date, " +
                "amount = excluded.amount, status = excluded.status",
                tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("a", NpgsqlDbType.Text, chunk.Select(p => p.AccountId).ToArray())
                .Array("due", NpgsqlDbType.Date, chunk.Select(p => p.DueDate).ToArray())
                .Array("paid", NpgsqlDbType.Date, chunk.Select(p => p.PaidDate).ToArray())
                .Array("amt", NpgsqlDbType.Numeric, chunk.Select(p => p.Amount).ToArray())
                .Array("st", NpgsqlDbType.Text, chunk.Select(p => Vocabulary.ToSnake(p.Status)).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static async Task<int> ConversationsAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> conversations,
        CancellationToken ct)
    {
        int inserted = 0;
        foreach ((SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)[] chunk in
            LastWins(conversations, x => x.Conversation.Id).Chunk(Chunk / 4))
        {
            SupportConversation[] headers = [.. chunk.Select(x => x.Conversation)];
            string[] ids = [.. headers.Select(h => h.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM conversations WHERE id = ANY(@k)", ids, ct);
            await using (NpgsqlCommand cmd = c.Command(
                "INSERT INTO conversations(id, account_id, started_at, topic, sentiment, channel, subject) " +
                "SELECT * FROM unnest(@id, @a, @at, @topic, @sent, @ch, @subj) " +
                "ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, started_at = excluded.started_at, topic = excluded.topic, " +
                "sentiment = excluded.sentiment, channel = excluded.channel, subject = excluded.subject",
                tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("a", NpgsqlDbType.Text, headers.Select(h => h.AccountId).ToArray())
                .Array("at", NpgsqlDbType.TimestampTz, headers.Select(h => PgCommands.ToDb(h.StartedAt)).ToArray())
                .Array("topic", NpgsqlDbType.Text, headers.Select(h => h.Topic).ToArray())
                .Array("sent", NpgsqlDbType.Double, headers.Select(h => h.Sentiment).ToArray())
                .Array("ch", NpgsqlDbType.Text, headers.Select(h => h.Channel).ToArray())
                .Array("subj", NpgsqlDbType.Text, headers.Select(h => h.Subject).ToArray()))
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }

            // A conversation's turns are replaced as a whole.
            await using (NpgsqlCommand clear = c.Command("DELETE FROM conversation_turns WHERE conversation_id = ANY(@k)", tx)
                .Array("k", NpgsqlDbType.Text, ids))
            {
                await clear.ExecuteNonQueryAsync(ct);
            }

            var turns = chunk.SelectMany(x => x.Turns.Select(t => (x.Conversation.Id, Turn: t))).ToArray();
            foreach (var part in turns.Chunk(Chunk))
            {
                await using NpgsqlCommand turn = c.Command(
                    "INSERT INTO conversation_turns(conversation_id, seq, speaker, at, text) SELECT * FROM unnest(@id, @seq, @sp, @at, @text)", tx)
                    .Array("id", NpgsqlDbType.Text, part.Select(t => t.Id).ToArray())
                    .Array("seq", NpgsqlDbType.Integer, part.Select(t => t.Turn.Seq).ToArray())
                    .Array("sp", NpgsqlDbType.Text, part.Select(t => Vocabulary.ToSnake(t.Turn.Speaker)).ToArray())
                    .Array("at", NpgsqlDbType.TimestampTz, part.Select(t => PgCommands.ToDb(t.Turn.At)).ToArray())
                    .Array("text", NpgsqlDbType.Text, part.Select(t => t.Turn.Text).ToArray());
                await turn.ExecuteNonQueryAsync(ct);
            }
        }

        return inserted;
    }

    public static async Task<int> TasksAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<CrmTask> tasks, CancellationToken ct)
    {
        int inserted = 0;
        foreach (CrmTask[] chunk in LastWins(tasks, t => t.Id).Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(t => t.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM tasks WHERE id = ANY(@k)", ids, ct);
            await using NpgsqlCommand cmd = c.Command(
                $"INSERT INTO tasks({TaskColumns}) SELECT * FROM unnest(@id, @a, @title, @due, @assignee, @status, @created, @by, @done) " +
                "ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, title = excluded.title, due_date = excluded.due_date, " +
                "assignee_id = excluded.assignee_id, status = excluded.status, completed_at = excluded.completed_at",
                tx);
            AddTaskArrays(cmd, ids, chunk);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static void AddTaskArrays(NpgsqlCommand cmd, string[] ids, CrmTask[] tasks) =>
        cmd.Array("id", NpgsqlDbType.Text, ids)
            .Array("a", NpgsqlDbType.Text, tasks.Select(t => t.AccountId).ToArray())
            .Array("title", NpgsqlDbType.Text, tasks.Select(t => t.Title).ToArray())
            .Array("due", NpgsqlDbType.Date, tasks.Select(t => t.DueDate).ToArray())
            .Array("assignee", NpgsqlDbType.Text, tasks.Select(t => t.AssigneeId).ToArray())
            .Array("status", NpgsqlDbType.Text, tasks.Select(t => Vocabulary.ToSnake(t.Status)).ToArray())
            .Array("created", NpgsqlDbType.TimestampTz, tasks.Select(t => PgCommands.ToDb(t.CreatedAt)).ToArray())
            .Array("by", NpgsqlDbType.Text, tasks.Select(t => t.CreatedBy).ToArray())
            .Array("done", NpgsqlDbType.TimestampTz, tasks.Select(t => PgCommands.ToDb(t.CompletedAt)).ToArray());

    public static async Task<int> InterventionsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<Intervention> interventions, CancellationToken ct)
    {
        int inserted = 0;
        foreach (Intervention[] chunk in LastWins(interventions, i => i.Id).Chunk(Chunk))
        {
            string[] ids = [.. chunk.Select(i => i.Id)];
            inserted += ids.Length - await CountAsync(c, tx, "SELECT count(*) FROM interventions WHERE id = ANY(@k)", ids, ct);
            await using NpgsqlCommand cmd = c.Command(
                $"INSERT INTO interventions({InterventionColumns}) " +
                "SELECT * FROM unnest(@id, @a, @k, @s, @r, @at, @by, @d, @oat, @oby, @dby, @dat) " +
                "ON CONFLICT(id) DO UPDATE SET status = excluded.status, risk = excluded.risk, draft = excluded.draft, " +
                "outcome_at = excluded.outcome_at, outcome_by = excluded.outcome_by, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                tx)
                .Array("id", NpgsqlDbType.Text, ids)
                .Array("a", NpgsqlDbType.Text, chunk.Select(i => i.AccountId).ToArray())
                .Array("k", NpgsqlDbType.Text, chunk.Select(i => i.Kind).ToArray())
                .Array("s", NpgsqlDbType.Text, chunk.Select(i => Vocabulary.ToSnake(i.Status)).ToArray())
                .Array("r", NpgsqlDbType.Double, chunk.Select(i => i.Risk).ToArray())
                .Array("at", NpgsqlDbType.TimestampTz, chunk.Select(i => PgCommands.ToDb(i.CreatedAt)).ToArray())
                .Array("by", NpgsqlDbType.Text, chunk.Select(i => i.CreatedBy).ToArray())
                .Array("d", NpgsqlDbType.Text, chunk.Select(i => i.Draft).ToArray())
                .Array("oat", NpgsqlDbType.TimestampTz, chunk.Select(i => PgCommands.ToDb(i.OutcomeAt)).ToArray())
                .Array("oby", NpgsqlDbType.Text, chunk.Select(i => i.OutcomeBy).ToArray())
                .Array("dby", NpgsqlDbType.Text, chunk.Select(i => i.DecidedBy).ToArray())
                .Array("dat", NpgsqlDbType.TimestampTz, chunk.Select(i => PgCommands.ToDb(i.DecidedAt)).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return inserted;
    }

    public static async Task MetaAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string key, string value, CancellationToken ct)
    {
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO meta(key, value) VALUES(@k, @v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", tx)
            .Text("k", key).Text("v", value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One row per key, the last one given, sorted by key: concurrent batches then lock rows in the same order and queue
    /// rather than deadlock.
    /// </summary>
    private static List<T> LastWins<T>(IReadOnlyList<T> rows, Func<T, string> key) => LastWins(rows, key, StringComparer.Ordinal);

    private static List<T> LastWins<T>(IReadOnlyList<T> rows, Func<T, (string, DateOnly)> key) =>
        LastWins(rows, key, Comparer<(string Account, DateOnly Month)>.Create(
            (x, y) => string.CompareOrdinal(x.Account, y.Account) is var c and not 0 ? c : x.Month.CompareTo(y.Month)));

    private static List<T> LastWins<T, TKey>(IReadOnlyList<T> rows, Func<T, TKey> key, IComparer<TKey> order)
        where TKey : notnull
    {
        var last = new Dictionary<TKey, T>(rows.Count);
        foreach (T row in rows)
        {
            last[key(row)] = row;
        }

        return [.. last.OrderBy(kv => kv.Key, order).Select(kv => kv.Value)];
    }

    private static async Task<int> CountAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, string[] keys, CancellationToken ct)
    {
        await using NpgsqlCommand cmd = c.Command(sql, tx).Array("k", NpgsqlDbType.Text, keys);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
