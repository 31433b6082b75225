using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Postgres;
using Npgsql;

namespace CopilotBot.Storage.Tests.Postgres;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private string _database = string.Empty;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("migrate");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [StoreFact]
    public async Task OpenAsync_AppliesEachMigrationOnce_WhenEightInstancesStartTogether()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<PostgresWorkspaceStores>[] starting = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return await PostgresWorkspaceStores.OpenAsync(_database);
        }))];
        gate.SetResult();

        PostgresWorkspaceStores[] instances = await Task.WhenAll(starting);
        List<(int Version, string Description)> applied = await MigrationsAsync();
        foreach (PostgresWorkspaceStores instance in instances)
        {
            instance.Dispose();
        }

        Assert.Equal(Enumerable.Range(1, PostgresWorkspaceStores.SchemaVersion), applied.Select(m => m.Version));
        Assert.Contains(applied, m => m.Description == "model versions");
        Assert.All(applied, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
    }

    [StoreFact]
    public async Task OpenAsync_AddsTheGrowthTables_ToAVersion7Database_AndKeepsItsData()
    {
        using (PostgresWorkspaceStores current = await PostgresWorkspaceStores.OpenAsync(_database))
        {
            await current.Accounts.UpsertAsync([new Account("P1", "Acme", Tier.Gold, 1_000m, Region.EMEA, "Software", null, null, null, 10, AccountStatus.Active, null)]);
        }

        // Turn the database back into what version 7 left: no growth tables, no versions for them.
        await ExecuteAsync(string.Concat(IDataVersions.GrowthTables.Select(t => $"DROP TABLE {t}; DELETE FROM data_versions WHERE name = '{t}';")) +
            "DROP TABLE feature_events; DELETE FROM schema_migrations WHERE version = 8;");

        using PostgresWorkspaceStores upgraded = await PostgresWorkspaceStores.OpenAsync(_database);
        await upgraded.Growth.UpsertSubscriptionsAsync([new SubscriptionChange("S1", "P1", new DateOnly(2026, 1, 1), Plan.Pro, 10, 1_000m)]);

        Assert.Equal(PostgresWorkspaceStores.SchemaVersion, (await MigrationsAsync()).Count);
        Assert.Equal("Acme", (await upgraded.Accounts.GetAsync("P1"))?.Name);
        Assert.Single(await upgraded.Growth.ListSubscriptionsAsync("P1"));
        foreach (string table in IDataVersions.Tables)
        {
            Assert.NotNull(await upgraded.DataVersions.GetAsync(table));
        }
    }

    [StoreFact]
    public async Task OpenAsync_Refuses_WhenTheDatabaseHasANewerSchema()
    {
        using (await PostgresWorkspaceStores.OpenAsync(_database))
        {
        }

        await ExecuteAsync("INSERT INTO schema_migrations(version, description) VALUES(99, 'from the future')");

        WorkspaceException error = await Assert.ThrowsAsync<WorkspaceException>(() => PostgresWorkspaceStores.OpenAsync(_database));

        Assert.Contains($"schema version 99, newer than this build knows ({PostgresWorkspaceStores.SchemaVersion})", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task OpenAsync_SaysWhereItCannotConnect_WithoutThePassword()
    {
        string unreachable = new NpgsqlConnectionStringBuilder(_database) { Port = 1, Password = "s3cret-pw", Timeout = 3 }.ConnectionString;

        WorkspaceException refused = await Assert.ThrowsAsync<WorkspaceException>(() => PostgresWorkspaceStores.OpenAsync(unreachable));
        WorkspaceException malformed = await Assert.ThrowsAsync<WorkspaceException>(() => PostgresWorkspaceStores.OpenAsync("Host=x;Password=s3cret-pw;Nonsense=1"));

        Assert.Contains(":1/", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", refused.Message + malformed.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid PostgreSQL connection string", malformed.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Schema_UsesNativeTypes_ForTimesDatesAndMoney()
    {
        using (await PostgresWorkspaceStores.OpenAsync(_database))
        {
        }

        await using var c = new NpgsqlConnection(_database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' " +
            "AND (table_name, column_name) IN (('conversations','started_at'), ('accounts','renewal_date'), ('accounts','arr'), " +
            "('usage_monthly','feature_adoption'), ('audit_log','seq'), ('accounts','id')) ORDER BY 1", c);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
        var types = new Dictionary<string, string>();
        while (await r.ReadAsync())
        {
            types[r.GetString(0)] = r.GetString(1);
        }

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["accounts.arr"] = "numeric",
                ["accounts.id"] = "text",
                ["accounts.renewal_date"] = "date",
                ["audit_log.seq"] = "bigint",
                ["conversations.started_at"] = "timestamp with time zone",
                ["usage_monthly.feature_adoption"] = "double precision",
            },
            types);
    }

    private async Task<List<(int, string)>> MigrationsAsync()
    {
        await using var c = new NpgsqlConnection(_database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT version, description FROM schema_migrations ORDER BY version", c);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await r.ReadAsync())
        {
            rows.Add((r.GetInt32(0), r.GetString(1)));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(_database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
