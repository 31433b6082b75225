using System.Net;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.Slack;

public sealed class SlackWebApiClientTests
{
    private static Func<HttpContext, RecordedRequest, Task> Script(params (int Status, string Body, string? RetryAfter)[] steps)
    {
        int index = 0;
        return async (context, _) =>
        {
            (int status, string body, string? retryAfter) = steps[Math.Min(Interlocked.Increment(ref index) - 1, steps.Length - 1)];
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        };
    }

    private static (SlackWebApiClient Client, List<TimeSpan> Delays) Client(LoopbackServer server, string? token = "xoxb-test")
    {
        var delays = new List<TimeSpan>();
        var options = new SlackOptions { BotToken = token, ApiBaseUrl = server.BaseUrl + "/api/", ResponseUrlPrefix = server.BaseUrl + "/hooks/" };
        var policy = new RetryPolicy { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } };
        return (new SlackWebApiClient(new HttpClient(), options, policy), delays);
    }

    [Fact]
    public async Task Post_message_sends_json_with_the_bearer_token()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, """{"ok":true,"channel":"C1","ts":"1700000003.000300","message":{}}""", null)));
        var (client, _) = Client(server);

        SlackMessageRef posted = await client.PostMessageAsync("C1", "hi", [new JsonObject { ["type"] = "section" }], threadTs: "1700000000.000100");

        Assert.Equal(new SlackMessageRef("C1", "1700000003.000300"), posted);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/api/chat.postMessage", request.RawTarget);
        Assert.Equal("Bearer xoxb-test", request.Headers["Authorization"]);
        Assert.StartsWith("application/json; charset=utf-8", request.Headers["Content-Type"], StringComparison.Ordinal);
        JsonNode body = JsonNode.Parse(request.Body)!;
        Assert.Equal("C1", (string?)body["channel"]);
        Assert.Equal("1700000000.000100", (string?)body["thread_ts"]);
        Assert.False((bool)body["unfurl_links"]!);
        Assert.Equal("section", (string?)body["blocks"]![0]!["type"]);
    }

    [Fact]
    public async Task Update_targets_the_message_ts()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, """{"ok":true,"channel":"C1","ts":"1.2"}""", null)));
        var (client, _) = Client(server);

        await client.UpdateMessageAsync("C1", "1.2", "new text");

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/api/chat.update", request.RawTarget);
        Assert.Equal("1.2", (string?)JsonNode.Parse(request.Body)!["ts"]);
    }

    [Fact]
    public async Task Ok_false_is_an_error_with_slacks_code()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, """{"ok":false,"error":"channel_not_found"}""", null)));
        var (client, _) = Client(server);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C404", "hi"));

        Assert.Equal("channel_not_found", ex.Error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Rate_limits_are_retried_after_retry_after()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "", "3"), (200, """{"ok":true,"channel":"C1","ts":"9.9"}""", null)));
        var (client, delays) = Client(server);

        SlackMessageRef posted = await client.PostMessageAsync("C1", "hi");

        Assert.Equal("9.9", posted.Ts);
        Assert.Equal([TimeSpan.FromSeconds(3)], delays);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Persistent_rate_limiting_gives_up_with_ratelimited()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "", "1")));
        var (client, delays) = Client(server);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C1", "hi"));

        Assert.Equal("ratelimited", ex.Error);
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(3, delays.Count);
    }

    [Fact]
    public async Task A_non_json_reply_is_an_error()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, "<html>proxy</html>", null)));
        var (client, _) = Client(server);

        Assert.Equal("invalid_response", (await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C1", "hi"))).Error);
    }

    [Fact]
    public async Task Missing_bot_token_fails_without_calling()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, "{\"ok\":true}", null)));
        var (client, _) = Client(server, token: null);

        await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C1", "hi"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Response_url_gets_no_bot_token_and_foreign_urls_are_refused()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, "ok", null)));
        var (client, _) = Client(server);

        await client.RespondAsync(server.BaseUrl + "/hooks/actions/T1/1/abc", new JsonObject { ["text"] = "note" });
        await Assert.ThrowsAsync<SlackApiException>(() => client.RespondAsync("https://attacker.example/hook", new JsonObject()));

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }
}
