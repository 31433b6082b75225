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

    private static User Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<UserRole>(r.GetString(3)), r.Text(4));
}
