using CopilotBot.Workspace.Postgres;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>
/// PostgreSQL: a fresh database per test class on the <see cref="PostgresServer"/>, emptied (TRUNCATE) before each
/// test; every instance is its own pooled data source, as in separate processes.
/// </summary>
public sealed class PostgresProvider : StoreProvider
{
    private string? _connectionString;

    public override string Name => "PostgreSQL";

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database was not created.");

    public override async Task InitializeAsync()
    {
        if (PostgresServer.SkipRequested && PostgresServer.ConnectionString is null)
        {
            return; // The tests themselves are reported as skipped.
        }

        _connectionString = await PostgresServer.CreateDatabaseAsync("store");
    }

    public override async Task ResetAsync()
    {
        // Migrate first (a no-op after the first time), then empty every table but the migration history.
        using (await PostgresWorkspaceStores.OpenAsync(ConnectionString))
        {
        }

        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' " +
            "LOOP EXECUTE 'TRUNCATE TABLE ' || quote_ident(t); END LOOP; END $$", c);
        await cmd.ExecuteNonQueryAsync();
    }

    public override async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public override async Task<IWorkspaceStores> OpenInstanceAsync() => await PostgresWorkspaceStores.OpenAsync(ConnectionString);

    public override async Task DisposeAsync()
    {
        if (_connectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(_connectionString);
        }
    }
}
