using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteUserStore(SqliteDb db) : IUserStore
{
    public Task<User?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT id, name, email, role, manager_id FROM users WHERE id = $id COLLATE NOCASE").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT id, name, email, role, manager_id FROM users ORDER BY id");
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<User>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<User>>(list);
    }

    public Task<int> UpsertAsync(IReadOnlyList<User> users, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Upsert(c, tx, users);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    internal static int Upsert(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<User> users)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM users WHERE id = $id", tx);
        SqliteParameter existsId = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            "INSERT INTO users(id, name, email, role, manager_id) VALUES($id,$name,$email,$role,$manager) " +
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, email=excluded.email, role=excluded.role, manager_id=excluded.manager_id",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$name", "$email", "$role", "$manager");
        int inserted = 0;
        foreach (User u in users)
        {
            existsId.Set(u.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(u.Id);
            p[1].Set(u.Name);
            p[2].Set(u.Email);
            p[3].Set(Vocabulary.ToSnake(u.Role));
            p[4].Set(u.ManagerId);
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    private static User Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<UserRole>(r.GetString(3)), r.Text(4));
}
