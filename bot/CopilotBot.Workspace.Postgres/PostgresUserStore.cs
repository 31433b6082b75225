using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresUserStore(NpgsqlDataSource db) : IUserStore
{
    public async Task<User?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        // Case-insensitive (ASCII, like SQLite's NOCASE); an exact match wins over a case-folded one.
        await using NpgsqlCommand cmd = c.Command(
            "SELECT id, name, email, role, manager_id FROM users WHERE lower(id) = lower(@id COLLATE \"C\") ORDER BY id = @id DESC, id LIMIT 1")
            .Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT id, name, email, role, manager_id FROM users ORDER BY id");
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<User>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public Task<int> UpsertAsync(IReadOnlyList<User> users, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.UsersAsync(c, tx, users, cancellationToken), cancellationToken);

    public Task<int> UpsertIdentitiesAsync(IReadOnlyList<UserIdentity> identities, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, async (c, tx) =>
        {
            int inserted = 0;
            foreach (UserIdentity identity in identities)
            {
                await using NpgsqlCommand cmd = c.Command(
                    "INSERT INTO user_identities(channel, external_id, user_id) VALUES(@channel, @external, @user) " +
                    "ON CONFLICT(channel, lower(external_id)) DO UPDATE SET external_id = excluded.external_id, user_id = excluded.user_id " +
                    "RETURNING (xmax = 0)",
                    tx)
                    .Text("channel", identity.Channel).Text("external", identity.ExternalId).Text("user", identity.UserId);
                inserted += await cmd.ExecuteScalarAsync(cancellationToken) is true ? 1 : 0;
            }

            return inserted;
        }, cancellationToken);

    public async Task<string?> FindByIdentityAsync(string channel, string externalId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT user_id FROM user_identities WHERE channel = @channel AND lower(external_id) = lower(@external COLLATE \"C\")")
            .Text("channel", channel).Text("external", externalId);
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<UserIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT channel, external_id, user_id FROM user_identities ORDER BY user_id, channel, lower(external_id)");
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<UserIdentity>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new UserIdentity(r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return list;
    }

    private static User Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<UserRole>(r.GetString(3)), r.Text(4));
}
