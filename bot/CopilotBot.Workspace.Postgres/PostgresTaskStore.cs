using System.Globalization;
using System.Text;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresTaskStore(NpgsqlDataSource db) : ITaskStore
{
    private const string Columns = PgUpserts.TaskColumns;

    public async Task<CrmTask?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        return await GetAsync(c, id, cancellationToken);
    }

    public async Task<IReadOnlyList<CrmTask>> ListAsync(
        string? assigneeId,
        string? accountId,
        TaskState? status,
        CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(string.Empty);
        var sql = new StringBuilder($"SELECT {Columns} FROM tasks WHERE true");
        if (assigneeId is not null)
        {
            sql.Append(" AND assignee_id = @assignee");
            cmd.Text("assignee", assigneeId);
        }

        if (accountId is not null)
        {
            sql.Append(" AND account_id = @account");
            cmd.Text("account", accountId);
        }

        if (status is { } s)
        {
            sql.Append(" AND status = @status");
            cmd.Enum("status", s);
        }

        sql.Append(" ORDER BY due_date IS NULL, due_date, id");
        cmd.CommandText = sql.ToString();
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<CrmTask>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public Task<CrmTask> CreateAsync(CrmTask draft, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // One allocator at a time across every instance: the next id is read and taken under the lock. A
                // concurrent import that writes the same T-id makes the plain INSERT fail, and the whole thing retries.
                await AdvisoryLocks.LockAsync(c, tx, AdvisoryLocks.TaskIds, cancellationToken);
                long n;
                await using (NpgsqlCommand next = c.Command(
                    "SELECT coalesce(max(substring(id FROM '^T([0-9]{1,18})')::bigint), 0) + 1 FROM tasks WHERE id ~ '^T[0-9]'", tx))
                {
                    n = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                }

                CrmTask task = draft with { Id = "T" + n.ToString(CultureInfo.InvariantCulture) };
                await using NpgsqlCommand insert = c.Command(
                    $"INSERT INTO tasks({Columns}) SELECT * FROM unnest(@id, @a, @title, @due, @assignee, @status, @created, @by, @done)", tx);
                PgUpserts.AddTaskArrays(insert, [task.Id], [task]);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                return task;
            },
            cancellationToken,
            retryUniqueViolation: true);

    public Task<int> UpsertAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.TasksAsync(c, tx, tasks, cancellationToken), cancellationToken);

    public async Task<CrmTask?> CompleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using (NpgsqlCommand cmd = c.Command(
            "UPDATE tasks SET status = 'done', completed_at = coalesce(completed_at, @at) WHERE lower(id) = lower(@id COLLATE \"C\")")
            .Text("id", id).Instant("at", at))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        return await GetAsync(c, id, cancellationToken);
    }

    private static async Task<CrmTask?> GetAsync(NpgsqlConnection c, string id, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = c.Command(
            $"SELECT {Columns} FROM tasks WHERE lower(id) = lower(@id COLLATE \"C\") ORDER BY id = @id DESC, id LIMIT 1").Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    private static CrmTask Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.Text(1), r.GetString(2), r.Date(3), r.Text(4),
        Vocabulary.FromSnake<TaskState>(r.GetString(5)), r.RequiredInstant(6), r.Text(7), r.Instant(8));
}
