using System.Net;

namespace CopilotBot.Channels.Common;

/// <summary>
/// How outbound calls retry: exponential backoff with jitter, <c>Retry-After</c> honoured (capped, so a server cannot park a
/// reply for an hour). <see cref="Delay"/> is replaceable so tests can observe the waits without sleeping through them.
/// </summary>
public sealed record RetryPolicy
{
    public static readonly RetryPolicy Default = new();

    public int MaxAttempts { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the call fails instead of holding the reply.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// All the waits of one call together stay under this: a reply that cannot go out within it fails (and is logged)
    /// rather than arriving long after the question, however the server spaces its Retry-After answers.
    /// </summary>
    public TimeSpan MaxTotalWait { get; init; } = TimeSpan.FromSeconds(90);

    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = static (d, ct) => Task.Delay(d, ct);

    /// <summary>
    /// Statuses worth retrying: 429 (rate limit), 412 (Teams asks for it), and transient server errors. Never 400/401/403/404/413,
    /// which would fail the same way again.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, or null when the server asked for too long a wait.</summary>
    public TimeSpan? NextDelay(int attempt, HttpResponseMessage response)
    {
        if (RetryAfter(response) is { } retryAfter)
        {
            return retryAfter <= MaxRetryAfter ? retryAfter : null;
        }

        double exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        double jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelay.TotalMilliseconds));
    }

    /// <summary>The wait before the next attempt, or null to give up: too long a Retry-After, or over <see cref="MaxTotalWait"/> in all.</summary>
    public TimeSpan? NextDelay(int attempt, HttpResponseMessage response, TimeSpan waitedSoFar) =>
        NextDelay(attempt, response) is { } delay && waitedSoFar + delay <= MaxTotalWait ? delay : null;

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            TimeSpan wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
