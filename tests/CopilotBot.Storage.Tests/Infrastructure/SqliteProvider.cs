using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Storage.Sqlite;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>SQLite: a fresh database file per test in a temporary folder; two instances are two store sets on the file.</summary>
public sealed class SqliteProvider : StoreProvider
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "copilot-store-" + Guid.NewGuid().ToString("N")[..10]);
    private string _path = string.Empty;

    public override string Name => "SQLite";

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    public override Task ResetAsync()
    {
        _path = Path.Combine(_root, Guid.NewGuid().ToString("N")[..8] + ".db");
        return Task.CompletedTask;
    }

    public override Task<IWorkspaceStores> OpenInstanceAsync() => Task.FromResult<IWorkspaceStores>(new SqliteWorkspaceStores(_path));

    public override Task ExecuteAsync(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }

        return Task.CompletedTask;
    }
}
