using System.Globalization;
using System.Threading.RateLimiting;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Privacy;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Web;

/// <summary>
/// Per-user limits on turns, bound from <c>RateLimits</c>: a token bucket per sender holding <see cref="Burst"/> turns,
/// refilled at <see cref="TurnsPerMinute"/>. The defaults (a burst of 20, then 60 a minute) never slow a person down and
/// leave a load test of many distinct users untouched; 0 turns the limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public int TurnsPerMinute { get; set; } = 60;

    public int Burst { get; set; } = 20;
}

/// <summary>
/// The one place every channel's turn passes before the agent (Teams, Slack, Direct Line, <c>/api/ask</c>): turns over the
/// sender's limit get a polite reply saying when to try again, never silence or an error status from the channel
/// endpoint. The partition is the workspace user, and within it the channel identity that acts as that user (in anonymous
/// local mode every unmapped Teams user acts as the admin, and each still gets its own bucket).
/// </summary>
/// <remarks>
/// A single instance keeps the buckets in memory. Instances sharing a PostgreSQL workspace keep them in it instead
/// (<see cref="IRateLimitStore"/>: one small statement per turn), so a user gets the configured rate in total, not once
/// per instance behind the load balancer. When that store cannot be reached the turn is let through (said once in the log
/// until the store answers again): the limit must not be what refuses turns while the database is down; the turn itself
/// then meets the store fault and its reply.
/// </remarks>
public sealed class TurnRateLimiter : IDisposable
{
    /// <summary>How long a turn waits for the shared bucket before it is let through.</summary>
    public static readonly TimeSpan SharedBudget = TimeSpan.FromSeconds(2);

    // Buckets are forgotten a minute after they were full again, so an instance whose clock runs ahead cannot take a
    // token from a user whose bucket another instance still sees as not quite full.
    private static readonly TimeSpan PruneMargin = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<TurnRequest>? _limiter;
    private readonly Func<IRateLimitStore>? _shared;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly int _burst;
    private readonly TimeSpan _period;
    private readonly IntervalGate _prune = new(TimeSpan.FromMinutes(1));
    private int _sharedFailing;

    /// <summary>Buckets in this process (a single instance, or the SQLite workspace).</summary>
    public TurnRateLimiter(RateLimitOptions options, ILogger<TurnRateLimiter> logger)
        : this(options, logger, shared: null, clock: null)
    {
    }

    /// <param name="options">The limit; 0 turns per minute turns it off.</param>
    /// <param name="logger">Refusals at Information, the shared store failing at Warning (once per outage).</param>
    /// <param name="shared">The store shared by every instance (resolved on the first turn); null keeps the buckets in this process.</param>
    /// <param name="clock">The time the shared buckets are computed at; the system clock when null.</param>
    public TurnRateLimiter(RateLimitOptions options, ILogger<TurnRateLimiter> logger, Func<IRateLimitStore>? shared, TimeProvider? clock)
    {
        _logger = logger;
        _shared = shared;
        _clock = clock ?? TimeProvider.System;
        if (options.TurnsPerMinute <= 0)
        {
            return;
        }

        // One token per period; the partitioned limiter's own timer refills idle buckets and drops them once full.
        _period = TimeSpan.FromMinutes(1) / options.TurnsPerMinute;
        _burst = Math.Max(1, options.Burst);
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = _burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _limiter = PartitionedRateLimiter.Create<TurnRequest, string>(r => RateLimitPartition.GetTokenBucketLimiter(PartitionKey(r), _ => bucket));
    }

    /// <summary>Who a turn counts against: the workspace user, and the channel identity when it is not the same id.</summary>
    public static string PartitionKey(TurnRequest request) =>
        request.Sender is { Length: > 0 } sender && !string.Equals(sender, request.UserId, StringComparison.OrdinalIgnoreCase)
            ? $"{request.UserId}|{request.Channel}:{sender}"
            : request.UserId.Length > 0 ? request.UserId : request.Channel + ":unknown";

    /// <summary>The polite refusal for a turn over the limit.</summary>
    public static TurnReply Throttled(TimeSpan retryAfter)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        string unit = seconds == 1 ? "second" : "seconds";
        return TurnReply.Plain(
            $"You're sending messages faster than I can answer; try again in {seconds.ToString(CultureInfo.InvariantCulture)} {unit}.", tool: null, confidence: 0);
    }

    /// <summary>This process's buckets: null when the turn may run; otherwise how long until the sender's next turn is allowed.</summary>
    public TimeSpan? TryAcquire(TurnRequest request)
    {
        if (_limiter is null)
        {
            return null;
        }

        using RateLimitLease lease = _limiter.AttemptAcquire(request);
        if (lease.IsAcquired)
        {
            return null;
        }

        TimeSpan wait = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        Refused(request, wait);
        return wait;
    }

    /// <summary>
    /// The shared buckets when the workspace is shared (else <see cref="TryAcquire"/>): null when the turn may run, or
    /// when the shared store did not answer within <see cref="SharedBudget"/>; otherwise how long until the next turn.
    /// </summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(TurnRequest request, CancellationToken cancellationToken = default)
    {
        if (_shared is null || _limiter is null)
        {
            return TryAcquire(request);
        }

        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(SharedBudget);
            IRateLimitStore store = _shared();
            DateTimeOffset now = _clock.GetUtcNow();
            if (_prune.TryEnter(now))
            {
                await store.PruneAsync(now - PruneMargin, budget.Token);
            }

            TimeSpan? wait = await store.TryTakeAsync("turn|" + PartitionKey(request), _burst, _period, now, budget.Token);
            if (Volatile.Read(ref _sharedFailing) == 1 && Interlocked.Exchange(ref _sharedFailing, 0) == 1)
            {
                _logger.LogInformation("The shared turn limit is answering again");
            }

            if (wait is { } w)
            {
                Refused(request, w);
            }

            return wait;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _sharedFailing, 1) == 0)
            {
                _logger.LogWarning(ex, "The shared turn limit cannot be reached ({Error}); turns are let through unlimited until it answers again", ex.GetType().Name);
            }

            return null;
        }
    }

    /// <summary>The agent behind the limit. Turn text is logged only at Debug level, and with PII masked.</summary>
    public Func<TurnRequest, CancellationToken, Task<TurnReply>> Wrap(Func<TurnRequest, CancellationToken, Task<TurnReply>> agent) => async (request, cancellationToken) =>
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Turn on {Channel} from {User}: {Text}", request.Channel, request.UserId, PiiMasker.Mask(request.Text));
        }

        return await TryAcquireAsync(request, cancellationToken) is { } wait ? Throttled(wait) : await agent(request, cancellationToken);
    };

    public void Dispose() => _limiter?.Dispose();

    private void Refused(TurnRequest request, TimeSpan wait) =>
        _logger.LogInformation("Turn refused by the rate limit: {Channel} user {User}, retry after {Seconds:0.#}s", request.Channel, request.UserId, wait.TotalSeconds);
}
