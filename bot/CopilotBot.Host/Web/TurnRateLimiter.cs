using System.Globalization;
using System.Threading.RateLimiting;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Privacy;

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
public sealed class TurnRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<TurnRequest>? _limiter;
    private readonly ILogger _logger;

    public TurnRateLimiter(RateLimitOptions options, ILogger<TurnRateLimiter> logger)
    {
        _logger = logger;
        if (options.TurnsPerMinute <= 0)
        {
            return;
        }

        // One token per period; the partitioned limiter's own timer refills idle buckets and drops them once full.
        TimeSpan period = TimeSpan.FromMinutes(1) / options.TurnsPerMinute;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
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

    /// <summary>Null when the turn may run; otherwise how long until the sender's next turn is allowed.</summary>
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
        _logger.LogInformation("Turn refused by the rate limit: {Channel} user {User}, retry after {Seconds:0.#}s", request.Channel, request.UserId, wait.TotalSeconds);
        return wait;
    }

    /// <summary>The agent behind the limit. Turn text is logged only at Debug level, and with PII masked.</summary>
    public Func<TurnRequest, CancellationToken, Task<TurnReply>> Wrap(Func<TurnRequest, CancellationToken, Task<TurnReply>> agent) => async (request, cancellationToken) =>
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Turn on {Channel} from {User}: {Text}", request.Channel, request.UserId, PiiMasker.Mask(request.Text));
        }

        return TryAcquire(request) is { } wait ? Throttled(wait) : await agent(request, cancellationToken);
    };

    public void Dispose() => _limiter?.Dispose();
}
