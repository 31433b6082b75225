using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Storage.Tests.Sqlite;

/// <summary>A workspace made before the growth tables (schema version 7) upgrades in place and keeps its data.</summary>
public sealed class SqliteGrowthMigrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilot-migrate-" + Guid.NewGuid().ToString("N")[..10]);

    public SqliteGrowthMigrationTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }

    [Fact]
    public async Task Opening_AVersion7Workspace_AddsTheGrowthTables_AndKeepsItsData()
    {
        string path = Path.Combine(_folder, "old.db");
        using (var current = new SqliteWorkspaceStores(path))
        {
            await current.Accounts.UpsertAsync([new Account("P1", "Acme", Tier.Gold, 1_000m, Region.EMEA, "Software", null, null, null, 10, AccountStatus.Active, null)]);
        }

        // Turn the file back into what version 7 left: no growth tables, no versions for them.
        Execute(path, string.Concat(IDataVersions.GrowthTables.Select(t => $"DROP TABLE {t}; DELETE FROM data_versions WHERE name = '{t}';")) +
            "DROP TABLE feature_events; PRAGMA user_version = 7;");
        Assert.Equal(7L, Scalar(path, "PRAGMA user_version"));

        using var upgraded = new SqliteWorkspaceStores(path);
        await upgraded.Growth.UpsertSubscriptionsAsync([new SubscriptionChange("S1", "P1", new DateOnly(2026, 1, 1), Plan.Pro, 10, 1_000m)]);

        Assert.True((long)Scalar(path, "PRAGMA user_version")! >= 8);
        Assert.Equal("Acme", (await upgraded.Accounts.GetAsync("P1"))?.Name);
        Assert.Single(await upgraded.Growth.ListSubscriptionsAsync("P1"));
        foreach (string table in IDataVersions.Tables)
        {
            Assert.NotNull(await upgraded.DataVersions.GetAsync(table));
        }
    }

    private static void Execute(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
