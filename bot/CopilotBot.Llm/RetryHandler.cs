using System.Net;
using Polly;
using Polly.Retry;

namespace CopilotBot.Llm;

/// <summary>
/// Retries a chat request that failed with 408, 429 or 5xx, or did not reach the server, with exponential back-off and
/// jitter, waiting what <c>Retry-After</c> asks for when the server says; the turn's one budget still caps the total
/// (its cancellation ends the waiting). Semantic Kernel's connector turns the client's own retries off when it is given an
/// <see cref="HttpClient"/>, so they live here, on Polly.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public RetryHandler(int maxRetries)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException } => true,
                    { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    // The failed response is not read again: free its connection before the next try.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The body is sent again on a retry, so it is buffered once.
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Content?.Headers.ToList();
        return await _pipeline.ExecuteAsync(
            async ct =>
            {
                if (body is not null)
                {
                    var content = new ByteArrayContent(body);
                    foreach (KeyValuePair<string, IEnumerable<string>> header in headers!)
                    {
                        content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    request.Content = content;
                }

                return await base.SendAsync(request, ct);
            },
            cancellationToken);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        TimeSpan wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.Zero);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
