using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteDataVersions(SqliteDb db) : IDataVersions
{
    public Task<long?> GetAsync(string table, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT version FROM data_versions WHERE name = $name").With("$name", table);
        return Task.FromResult(cmd.ExecuteScalar() is long version ? version : (long?)null);
    }
}
