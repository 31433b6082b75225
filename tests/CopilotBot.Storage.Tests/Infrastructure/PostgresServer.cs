using Npgsql;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: <c>COPILOT_TEST_POSTGRES</c> (a connection string to any database on it, e.g.
/// <c>Host=127.0.0.1;Port=55432;Username=copilot;Password=…;Database=postgres</c>). Without it the PostgreSQL tests
/// fail, saying so, unless <c>COPILOT_SKIP_POSTGRES=1</c> asks to skip them; <c>.ci/run</c> always starts a server.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "COPILOT_TEST_POSTGRES";
    public const string SkipVariable = "COPILOT_SKIP_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static bool SkipRequested => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static string SkipReason => $"{SkipVariable}=1: the PostgreSQL store tests were skipped on request.";

    public static string Require() =>
        ConnectionString ?? throw new InvalidOperationException(
            $"{Variable} is not set, so the PostgreSQL store tests cannot run. Point it at a PostgreSQL server on loopback " +
            $"(e.g. {Variable}=\"Host=127.0.0.1;Port=55432;Username=copilot;Password=…;Database=postgres\"; `.ci/postgres.sh start` " +
            $"starts a throwaway one and prints it), or set {SkipVariable}=1 to skip them deliberately.");

    /// <summary>Creates an empty database with a unique name and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var admin = new NpgsqlConnectionStringBuilder(Require()) { Pooling = false };
        string name = "copilot_t_" + purpose.ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..10];
        await using (var c = new NpgsqlConnection(admin.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", c);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true, MaxPoolSize = 40 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(Require()) { Pooling = false };
        await using var c = new NpgsqlConnection(admin.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }
}
