using System.Globalization;
using System.Text;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteTaskStore(SqliteDb db) : ITaskStore
{
    private const string Columns = "id, account_id, title, due_date, assignee_id, status, created_at, created_by, completed_at";

    public Task<CrmTask?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command($"SELECT {Columns} FROM tasks WHERE id = $id COLLATE NOCASE").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<IReadOnlyList<CrmTask>> ListAsync(
        string? assigneeId,
        string? accountId,
        TaskState? status,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM tasks WHERE 1=1");
        if (assigneeId is not null)
        {
            sql.Append(" AND assignee_id = $assignee");
            cmd.With("$assignee", assigneeId);
        }

        if (accountId is not null)
        {
            sql.Append(" AND account_id = $account");
            cmd.With("$account", accountId);
        }

        if (status is { } s)
        {
            sql.Append(" AND status = $status");
            cmd.With("$status", Vocabulary.ToSnake(s));
        }

        sql.Append(" ORDER BY due_date IS NULL, due_date, id");
        cmd.CommandText = sql.ToString();
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<CrmTask>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<CrmTask>>(list);
    }

    public Task<CrmTask> CreateAsync(CrmTask draft, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        // IMMEDIATE takes the write lock up front so two creators cannot pick the same next id.
        return Task.FromResult(c.Immediate(() =>
        {
            using SqliteCommand next = c.Command(
                "SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM tasks WHERE id GLOB 'T[0-9]*'");
            long n = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);
            CrmTask task = draft with { Id = "T" + n.ToString(CultureInfo.InvariantCulture) };
            Write(c, null, [task]);
            return task;
        }));
    }

    public Task<int> UpsertAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Write(c, tx, tasks);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    public Task<CrmTask?> CompleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using (SqliteConnection c = db.Open())
        {
            using SqliteCommand cmd = c.Command(
                "UPDATE tasks SET status = 'done', completed_at = coalesce(completed_at, $at) WHERE id = $id COLLATE NOCASE")
                .With("$id", id).With("$at", at.Db());
            cmd.ExecuteNonQuery();
        }

        return GetAsync(id, cancellationToken);
    }

    internal static int Write(SqliteConnection c, SqliteTransaction? tx, IReadOnlyList<CrmTask> tasks)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM tasks WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            $"INSERT INTO tasks({Columns}) VALUES($id,$a,$title,$due,$assignee,$status,$created,$by,$done) " +
            "ON CONFLICT(id) DO UPDATE SET account_id=excluded.account_id, title=excluded.title, due_date=excluded.due_date, " +
            "assignee_id=excluded.assignee_id, status=excluded.status, completed_at=excluded.completed_at",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$a", "$title", "$due", "$assignee", "$status", "$created", "$by", "$done");
        int inserted = 0;
        foreach (CrmTask t in tasks)
        {
            eid.Set(t.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(t.Id);
            p[1].Set(t.AccountId);
            p[2].Set(t.Title);
            p[3].Set(t.DueDate.Db());
            p[4].Set(t.AssigneeId);
            p[5].Set(Vocabulary.ToSnake(t.Status));
            p[6].Set(t.CreatedAt.Db());
            p[7].Set(t.CreatedBy);
            p[8].Set(t.CompletedAt.Db());
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    private static CrmTask Read(SqliteDataReader r) => new(
        r.GetString(0), r.Text(1), r.GetString(2), r.Date(3), r.Text(4),
        Vocabulary.FromSnake<TaskState>(r.GetString(5)), r.Instant(6)!.Value, r.Text(7), r.Instant(8));
}
