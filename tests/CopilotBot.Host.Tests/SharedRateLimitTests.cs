using System.Collections.Concurrent;
using CopilotBot.Conversation;
using CopilotBot.Host.Web;
using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The turn limit with its buckets in a shared store (several instances on one database): one budget for all instances,
/// and turns let through, said once in the log, when the store cannot answer.
/// </summary>
public sealed class SharedRateLimitTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilot-limit-" + Guid.NewGuid().ToString("N")[..10]);

    public SharedRateLimitTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TryAcquireAsync_RefusesAfterTheBurstInTotal_WhenTwoInstancesShareTheBuckets()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        using var storesA = new SqliteWorkspaceStores(Path.Combine(_folder, "copilot.db"));
        using var storesB = new SqliteWorkspaceStores(Path.Combine(_folder, "copilot.db"));
        var options = new RateLimitOptions { Burst = 4, TurnsPerMinute = 6 };
        using var a = new TurnRateLimiter(options, new ListLogger<TurnRateLimiter>(), () => storesA.RateLimits, clock);
        using var b = new TurnRateLimiter(options, new ListLogger<TurnRateLimiter>(), () => storesB.RateLimits, clock);
        var turn = new TurnRequest("slack", "D1", "u-csm1", "help");

        var waits = new List<TimeSpan?>();
        for (int i = 0; i < 8; i++)
        {
            waits.Add(await (i % 2 == 0 ? a : b).TryAcquireAsync(turn));
        }

        TimeSpan? otherUser = await b.TryAcquireAsync(turn with { UserId = "u-csm2" });
        clock.Advance(TimeSpan.FromSeconds(10));
        TimeSpan? refilled = await a.TryAcquireAsync(turn);

        Assert.Equal(4, waits.Count(w => w is null));
        Assert.All(waits.Skip(4), w => Assert.Equal(TimeSpan.FromSeconds(10), w));
        Assert.Null(otherUser);
        Assert.Null(refilled);
    }

    [Fact]
    public async Task TryAcquireAsync_LetsTurnsThroughAndLogsOnce_WhenTheSharedStoreFails_ThenLimitsAgain()
    {
        var store = new FlakyStore { Failing = true };
        var logger = new ListLogger<TurnRateLimiter>();
        using var limiter = new TurnRateLimiter(new RateLimitOptions { Burst = 1, TurnsPerMinute = 1 }, logger, () => store, TimeProvider.System);
        var turn = new TurnRequest("web", "c", "u-1", "hi");

        TimeSpan?[] whileDown = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => limiter.TryAcquireAsync(turn).AsTask()));
        store.Failing = false;
        TimeSpan? first = await limiter.TryAcquireAsync(turn);
        TimeSpan? second = await limiter.TryAcquireAsync(turn);

        Assert.All(whileDown, w => Assert.Null(w));
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("answering again", StringComparison.Ordinal));
        Assert.Null(first);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task TryAcquireAsync_LetsTheTurnThroughWithinTheBudget_WhenTheSharedStoreHangs()
    {
        var store = new FlakyStore { Hanging = true };
        using var limiter = new TurnRateLimiter(new RateLimitOptions { Burst = 1, TurnsPerMinute = 1 }, new ListLogger<TurnRateLimiter>(), () => store, TimeProvider.System);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        TimeSpan? wait = await limiter.TryAcquireAsync(new TurnRequest("web", "c", "u-1", "hi"));

        Assert.Null(wait);
        Assert.InRange(watch.Elapsed, TurnRateLimiter.SharedBudget - TimeSpan.FromMilliseconds(100), TurnRateLimiter.SharedBudget + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Wrap_AnswersPolitely_WhenTheSharedBucketIsEmpty()
    {
        using var stores = new SqliteWorkspaceStores(Path.Combine(_folder, "copilot.db"));
        using var limiter = new TurnRateLimiter(new RateLimitOptions { Burst = 1, TurnsPerMinute = 2 }, new ListLogger<TurnRateLimiter>(), () => stores.RateLimits, TimeProvider.System);
        int agentCalls = 0;
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = limiter.Wrap((_, _) =>
        {
            agentCalls++;
            return Task.FromResult(TurnReply.Plain("answer"));
        });
        var turn = new TurnRequest("web", "c", "u-1", "hi");

        TurnReply first = await agent(turn, CancellationToken.None);
        TurnReply second = await agent(turn, CancellationToken.None);

        Assert.Equal("answer", first.Text);
        Assert.Matches(@"^You're sending messages faster than I can answer; try again in (29|30) seconds\.$", second.Text);
        Assert.Equal(1, agentCalls);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>A store that is down (a database error, as from a dropped connection) or hangs until cancelled.</summary>
    private sealed class FlakyStore : IRateLimitStore
    {
        private readonly IRateLimitStore _inner = new MemoryRateLimitStore();

        public bool Failing { get; set; }

        public bool Hanging { get; set; }

        public async Task<TimeSpan?> TryTakeAsync(string key, int burst, TimeSpan interval, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (Hanging)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return Failing ? throw new SqliteException("the database is not there", 14) : await _inner.TryTakeAsync(key, burst, interval, now, cancellationToken);
        }

        public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
            Failing ? throw new SqliteException("the database is not there", 14) : Task.FromResult(0);
    }

    /// <summary>The same arithmetic as the database stores, in a dictionary (only as the flaky store's healthy state).</summary>
    private sealed class MemoryRateLimitStore : IRateLimitStore
    {
        private readonly ConcurrentDictionary<string, long> _arrival = new();

        public Task<TimeSpan?> TryTakeAsync(string key, int burst, TimeSpan interval, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            (long at, long t, long tau) = RateLimitArithmetic.Parameters(burst, interval, now);
            lock (_arrival)
            {
                long tat = Math.Max(_arrival.GetValueOrDefault(key, at), at);
                bool granted = tat - at <= tau;
                _arrival[key] = granted ? tat + t : tat;
                return Task.FromResult(RateLimitArithmetic.Wait(_arrival[key], granted, at, tau));
            }
        }

        public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => Task.FromResult(0);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
