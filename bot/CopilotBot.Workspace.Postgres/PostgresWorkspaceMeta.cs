using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresWorkspaceMeta(NpgsqlDataSource db) : IWorkspaceMeta
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT value FROM meta WHERE key = @k").Text("k", key);
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await PgUpserts.MetaAsync(c, null, key, value, cancellationToken);
    }
}
