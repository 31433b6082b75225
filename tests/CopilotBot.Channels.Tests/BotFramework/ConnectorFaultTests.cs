using Activity = CopilotBot.Channels.BotFramework.Activity;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Channels.Tests.BotFramework;

/// <summary>
/// A Bot Connector (and the Slack Web API) answering replies with 429/5xx, on loopback: the reply is retried with
/// backoff, Retry-After is honoured in both its forms, the total wait is capped, exactly one reply lands, and the turn
/// itself never runs twice — even when delivery finally fails, which is logged.
/// </summary>
public sealed class ConnectorFaultTests(AuthorityFixture fixture) : IClassFixture<AuthorityFixture>
{
    private sealed class ListLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }

    /// <summary>A connector that answers each reply attempt from a script; typing indicators always succeed.</summary>
    private static Func<HttpContext, RecordedRequest, Task> Script(params (int Status, string? RetryAfter)[] steps)
    {
        int index = 0;
        return async (context, request) =>
        {
            if (!request.RawTarget.Contains("/activities/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 200;
                await context.Response.WriteAsync("{}");
                return;
            }

            (int status, string? retryAfter) = steps[Math.Min(Interlocked.Increment(ref index) - 1, steps.Length - 1)];
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(status < 300 ? "{\"id\":\"reply-1\"}" : "{\"error\":{\"code\":\"ServiceError\"}}");
        };
    }

    private sealed record Run(int Turns, RecordedRequest[] Replies, TimeSpan[] Gaps, ListLogger<InProcessChannelWorkQueue> Log);

    /// <summary>One message through the real endpoint, replying through the real connector client to <paramref name="server"/>.</summary>
    private async Task<Run> MessageAsync(LoopbackServer server, RetryPolicy policy)
    {
        var options = new BotOptions { OpenIdMetadataUrl = fixture.Authority.MetadataUrl };
        var log = new ListLogger<InProcessChannelWorkQueue>();
        await using var queue = new InProcessChannelWorkQueue(log);
        var endpoint = new BotFrameworkEndpoint(
            options,
            new BotTokenValidator(options, new OpenIdBotSigningKeySource(options.OpenIdMetadataUrl)),
            new BotConnectorClient(new HttpClient(), AnonymousBotTokenSource.Instance, new TrustedServiceUrls(), policy),
            new TrustedServiceUrls(),
            new MemoryInboundDeduplicator(),
            queue);
        int turns = 0;
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {"type":"message","id":"m-1","channelId":"msteams","serviceUrl":"{{server.BaseUrl}}/_connector","from":{"id":"user-1"},
             "recipient":{"id":"28:bot"},"conversation":{"id":"conv-1","conversationType":"personal"},"text":"create a task"}
            """));
        context.Response.Body = new MemoryStream();

        await endpoint.HandleAsync(context, (request, _) =>
        {
            Interlocked.Increment(ref turns);
            return Task.FromResult(TurnReply.Plain("Created T42."));
        });
        await queue.DrainAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(200, context.Response.StatusCode);
        RecordedRequest[] replies = server.Requests.Where(r => r.RawTarget.EndsWith("/activities/m-1", StringComparison.Ordinal)).ToArray();
        TimeSpan[] gaps = replies.Zip(replies.Skip(1), (a, b) => b.At - a.At).ToArray();
        return new Run(turns, replies, gaps, log);
    }

    private static readonly RetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(40) };

    [Fact]
    public async Task A_429_with_retry_after_1_is_waited_out_and_the_reply_lands_once()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "1"), (201, null)));

        Run run = await MessageAsync(server, Fast);

        Assert.Equal(1, run.Turns);
        Assert.Equal(2, run.Replies.Length);
        Assert.InRange(run.Gaps[0].TotalMilliseconds, 950, 3000);
        Assert.Empty(run.Log.Entries);
    }

    [Fact]
    public async Task Two_503s_are_retried_with_backoff_and_the_reply_lands_once()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((503, null), (503, null), (201, null)));
        // The waits the policy chose are recorded (and really waited): wall-clock gaps on a busy CI machine carry the
        // scheduler's noise, so growth is asserted on the chosen delays and the gaps only have to cover them.
        var chosen = new ConcurrentQueue<TimeSpan>();
        RetryPolicy observed = Fast with { Delay = (delay, ct) => { chosen.Enqueue(delay); return Task.Delay(delay, ct); } };

        Run run = await MessageAsync(server, observed);

        Assert.Equal(1, run.Turns);
        Assert.Equal(3, run.Replies.Length);
        TimeSpan[] delays = chosen.ToArray();
        Assert.Equal(2, delays.Length);
        // 40 ms then 80 ms, each ±20% jitter: [32, 48] then [64, 96], so the second wait is always the longer one.
        Assert.InRange(delays[0].TotalMilliseconds, 32, 48);
        Assert.InRange(delays[1].TotalMilliseconds, 64, 96);
        Assert.True(run.Gaps[0] >= delays[0] - TimeSpan.FromMilliseconds(5), $"first retry came after {run.Gaps[0].TotalMilliseconds} ms");
        Assert.True(run.Gaps[1] >= delays[1] - TimeSpan.FromMilliseconds(5), $"second retry came after {run.Gaps[1].TotalMilliseconds} ms");
        Assert.Empty(run.Log.Entries);
    }

    [Fact]
    public async Task A_connector_failing_for_good_is_given_up_on_logged_and_the_turn_is_not_run_again()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((500, null)));

        Run run = await MessageAsync(server, Fast);

        Assert.Equal(1, run.Turns);
        Assert.Equal(Fast.MaxAttempts, run.Replies.Length);
        var (level, _, exception) = Assert.Single(run.Log.Entries);
        Assert.Equal(LogLevel.Error, level);
        var failed = Assert.IsType<BotConnectorException>(exception);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Contains($"after {Fast.MaxAttempts} attempt(s)", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        // Whole seconds on the wire: a date 3 s ahead means a wait of 2–3 s from when the header is read.
        string date = DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, date), (201, null)));
        var delays = new List<TimeSpan>();
        var client = new BotConnectorClient(new HttpClient(), AnonymousBotTokenSource.Instance, new TrustedServiceUrls(),
            Fast with { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } });

        await client.ReplyToActivityAsync(server.BaseUrl + "/_connector", "conv-1", "m-1", new Activity { Type = "message", Text = "hi" });

        TimeSpan wait = Assert.Single(delays);
        Assert.InRange(wait.TotalSeconds, 1.5, 3.0);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Retry_after_in_the_past_retries_at_once()
    {
        string date = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((503, date), (201, null)));
        var delays = new List<TimeSpan>();
        var client = new BotConnectorClient(new HttpClient(), AnonymousBotTokenSource.Instance, new TrustedServiceUrls(),
            Fast with { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } });

        await client.ReplyToActivityAsync(server.BaseUrl + "/_connector", "conv-1", "m-1", new Activity { Type = "message", Text = "hi" });

        Assert.Equal([TimeSpan.Zero], delays);
    }

    [Fact]
    public async Task Retry_afters_that_add_up_past_the_total_cap_give_up_instead_of_parking_the_reply()
    {
        // Each 50 s wait is allowed on its own (under MaxRetryAfter), but two of them are over the 90 s total.
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "50")));
        var delays = new List<TimeSpan>();
        var client = new BotConnectorClient(new HttpClient(), AnonymousBotTokenSource.Instance, new TrustedServiceUrls(),
            RetryPolicy.Default with { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } });

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() =>
            client.ReplyToActivityAsync(server.BaseUrl + "/_connector", "conv-1", "m-1", new Activity { Type = "message", Text = "hi" }));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal([TimeSpan.FromSeconds(50)], delays);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Slack_honours_an_http_date_retry_after_and_the_total_cap()
    {
        string date = DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int calls = 0;
        await using LoopbackServer server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            int n = Interlocked.Increment(ref calls);
            context.Response.StatusCode = n == 1 ? 429 : n == 2 ? 200 : 429;
            context.Response.Headers.RetryAfter = n == 1 ? date : "50";
            await context.Response.WriteAsync(n == 2 ? """{"ok":true,"channel":"C1","ts":"1.2"}""" : string.Empty);
        });
        var delays = new List<TimeSpan>();
        var slack = new SlackWebApiClient(new HttpClient(), new SlackOptions { BotToken = "xoxb-test", ApiBaseUrl = server.BaseUrl + "/api/" },
            RetryPolicy.Default with { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } });

        SlackMessageRef posted = await slack.PostMessageAsync("C1", "hi");
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => slack.PostMessageAsync("C1", "again"));

        Assert.Equal("1.2", posted.Ts);
        Assert.InRange(delays[0].TotalSeconds, 1.5, 3.0);
        Assert.Equal("ratelimited", ex.Error);
        Assert.Equal([TimeSpan.FromSeconds(50)], delays.Skip(1));
        Assert.Equal(4, calls);
    }

    [Fact]
    public void Policy_gives_up_when_the_next_wait_would_pass_the_total()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
        var policy = new RetryPolicy { MaxTotalWait = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(30), policy.NextDelay(1, response, TimeSpan.FromSeconds(30)));
        Assert.Null(policy.NextDelay(2, response, TimeSpan.FromSeconds(31)));
    }
}
