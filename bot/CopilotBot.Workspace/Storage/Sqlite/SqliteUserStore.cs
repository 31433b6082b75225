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

    public Task<int> UpsertIdentitiesAsync(IReadOnlyList<UserIdentity> identities, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand exists = c.Command("SELECT 1 FROM user_identities WHERE channel = $channel AND external_id = $external", tx);
        SqliteParameter[] e = exists.Params("$channel", "$external");
        using SqliteCommand cmd = c.Command(
            "INSERT INTO user_identities(channel, external_id, user_id) VALUES($channel, $external, $user) " +
            "ON CONFLICT(channel, external_id) DO UPDATE SET external_id = excluded.external_id, user_id = excluded.user_id",
            tx);
        SqliteParameter[] p = cmd.Params("$channel", "$external", "$user");
        int inserted = 0;
        foreach (UserIdentity identity in identities)
        {
            e[0].Set(identity.Channel);
            e[1].Set(identity.ExternalId);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(identity.Channel);
            p[1].Set(identity.ExternalId);
            p[2].Set(identity.UserId);
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
        return Task.FromResult(inserted);
    }

    public Task<string?> FindByIdentityAsync(string channel, string externalId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT user_id FROM user_identities WHERE channel = $channel AND external_id = $external")
            .With("$channel", channel).With("$external", externalId);
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    public Task<IReadOnlyList<UserIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT channel, external_id, user_id FROM user_identities ORDER BY user_id, channel, external_id");
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<UserIdentity>();
        while (r.Read())
        {
            list.Add(new UserIdentity(r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return Task.FromResult<IReadOnlyList<UserIdentity>>(list);
    }

    private static User Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<UserRole>(r.GetString(3)), r.Text(4));
}
