using CopilotBot.Conversation;
using CopilotBot.Host.Web;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CopilotBot.Storage.Tests.Postgres;

/// <summary>
/// The PostgreSQL workspace going away under a running instance: its sessions terminated and new connections refused
/// (as in a failover or a server stop), on a database of the test's own so the shared server keeps serving the others.
/// Every failure is one the turn handling recognises as "the workspace is unavailable" (it then answers "I can't reach
/// the workspace right now; nothing was changed"); the write that failed left nothing behind; the same store set works
/// again once the database accepts connections.
/// </summary>
[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresStoreDownTests : IAsyncLifetime
{
    private string _database = string.Empty;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("down");

    public async Task DisposeAsync()
    {
        await SetAcceptingAsync(true);
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    private async Task SetAcceptingAsync(bool accepting)
    {
        string name = new NpgsqlConnectionStringBuilder(_database).Database!;
        await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer.Require()) { Pooling = false }.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {(accepting ? "true" : "false")};" +
            (accepting ? string.Empty : $" SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid();"),
            c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static CrmTask Draft(string title) => new(string.Empty, null, title, new DateOnly(2026, 11, 27), "riley.chen", TaskState.Open,
        new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), "riley.chen", null);

    [StoreFact]
    public async Task SharedTurnLimit_LetsTurnsThroughWhileTheDatabaseIsDown_AndLimitsAgainOnceItIsBack()
    {
        using PostgresWorkspaceStores stores = await PostgresWorkspaceStores.OpenAsync(_database);
        using var limiter = new TurnRateLimiter(
            new RateLimitOptions { Burst = 1, TurnsPerMinute = 1 }, NullLogger<TurnRateLimiter>.Instance, () => stores.RateLimits, TimeProvider.System);
        var turn = new TurnRequest("slack", "D1", "riley.chen", "help");
        TimeSpan? before = await limiter.TryAcquireAsync(turn);

        await SetAcceptingAsync(false);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var during = new List<TimeSpan?>();
        for (int i = 0; i < 5; i++)
        {
            during.Add(await limiter.TryAcquireAsync(turn));
        }

        TimeSpan outage = watch.Elapsed;
        await SetAcceptingAsync(true);
        TimeSpan? after = await limiter.TryAcquireAsync(turn);

        Assert.Null(before);
        Assert.All(during, w => Assert.Null(w)); // over the burst, but the limit cannot be checked: let through
        Assert.True(outage < 5 * TurnRateLimiter.SharedBudget + TimeSpan.FromSeconds(1), $"five turns waited {outage} for the limit");
        Assert.NotNull(after); // the bucket kept its state: the one token of the minute was taken before the outage
    }

    [StoreFact]
    public async Task Sessions_killed_and_connections_refused_are_unavailable_errors_and_the_stores_recover()
    {
        using PostgresWorkspaceStores stores = await PostgresWorkspaceStores.OpenAsync(_database);
        await stores.Tasks.CreateAsync(Draft("Before the outage"));

        await SetAcceptingAsync(false);
        Exception read = await Assert.ThrowsAnyAsync<Exception>(() => stores.Tasks.ListAsync(null, null, null));
        Exception write = await Assert.ThrowsAnyAsync<Exception>(() => stores.Tasks.CreateAsync(Draft("During the outage")));
        Exception audit = await Assert.ThrowsAnyAsync<Exception>(() => stores.Audit.AppendAsync("riley.chen", "test", null, null, DateTimeOffset.UtcNow));
        await SetAcceptingAsync(true);

        Assert.All(new[] { read, write, audit }, e => Assert.True(WorkspaceUnavailable.Is(e), e.GetType().Name + ": " + e.Message));
        IReadOnlyList<CrmTask> tasks = await stores.Tasks.ListAsync(null, null, null);
        Assert.Equal(["Before the outage"], tasks.Select(t => t.Title));
        await stores.Tasks.CreateAsync(Draft("After the outage"));
        Assert.Equal(2, (await stores.Tasks.ListAsync(null, null, null)).Count);
        Assert.Empty(await stores.Audit.ReadAsync());
    }
}
