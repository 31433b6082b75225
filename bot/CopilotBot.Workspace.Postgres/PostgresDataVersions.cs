using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresDataVersions(NpgsqlDataSource db) : IDataVersions
{
    public async Task<long?> GetAsync(string table, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT version FROM data_versions WHERE name = @name").Text("name", table);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }
}
