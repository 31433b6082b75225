using Activity = CopilotBot.Channels.BotFramework.Activity;
using System.Net;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class BotConnectorClientTests
{
    private const string TeamsThread = "19:abc123@thread.tacv2;messageid=1700000000042";

    private sealed class FakeTokens : IBotTokenSource
    {
        public List<bool> Calls { get; } = [];

        public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            Calls.Add(forceRefresh);
            return Task.FromResult<string?>(forceRefresh ? "fresh-token" : "cached-token");
        }
    }

    private static Activity Message(string text = "hi") => new() { Type = "message", Text = text, TextFormat = "markdown", Conversation = new ConversationAccount(TeamsThread) };

    private static (BotConnectorClient Client, FakeTokens Tokens, List<TimeSpan> Delays) Client(LoopbackServer server, bool trust = true, RetryPolicy? policy = null)
    {
        var tokens = new FakeTokens();
        var trusted = new TrustedServiceUrls();
        if (trust)
        {
            trusted.Trust(server.BaseUrl + "/connector/");
        }

        var delays = new List<TimeSpan>();
        policy ??= new RetryPolicy { Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; } };
        return (new BotConnectorClient(new HttpClient(), tokens, trusted, policy), tokens, delays);
    }

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

    [Fact]
    public async Task Posts_to_the_url_encoded_conversation_with_a_bearer_token()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((201, "{\"id\":\"new-1\"}", null)));
        var (client, _, _) = Client(server);

        ResourceResponse response = await client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message());

        Assert.Equal("new-1", response.Id);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/connector/v3/conversations/19%3Aabc123%40thread.tacv2%3Bmessageid%3D1700000000042/activities", request.RawTarget);
        Assert.Equal("Bearer cached-token", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("hi", (string?)JsonNode.Parse(request.Body)!["text"]);
    }

    [Fact]
    public async Task Reply_goes_to_the_activity_and_sets_reply_to_id()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((201, "{\"id\":\"r-1\"}", null)));
        var (client, _, _) = Client(server);

        await client.ReplyToActivityAsync(server.BaseUrl + "/connector", TeamsThread, "1700000000042", Message());

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.EndsWith("/activities/1700000000042", request.RawTarget, StringComparison.Ordinal);
        Assert.Equal("1700000000042", (string?)JsonNode.Parse(request.Body)!["replyToId"]);
    }

    [Fact]
    public async Task Update_puts_the_full_activity_with_its_id()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((200, "{\"id\":\"card-1\"}", null)));
        var (client, _, _) = Client(server);

        ResourceResponse response = await client.UpdateActivityAsync(server.BaseUrl + "/connector/", TeamsThread, "card-1", Message("updated"));

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.EndsWith("%3D1700000000042/activities/card-1", request.RawTarget, StringComparison.Ordinal);
        JsonNode body = JsonNode.Parse(request.Body)!;
        Assert.Equal("card-1", (string?)body["id"]);
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal("card-1", response.Id);
    }

    [Fact]
    public async Task Retries_429_after_the_servers_retry_after_then_succeeds()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "{}", "2"), (201, "{\"id\":\"ok\"}", null)));
        var (client, _, delays) = Client(server);

        ResourceResponse response = await client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message());

        Assert.Equal("ok", response.Id);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(2)], delays);
    }

    [Fact]
    public async Task Retry_after_is_really_waited_for()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "{}", "1"), (201, "{\"id\":\"ok\"}", null)));
        var (client, _, _) = Client(server, policy: RetryPolicy.Default);

        await client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message());

        RecordedRequest[] requests = server.Requests.ToArray();
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), $"second attempt after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Retries_transient_5xx_with_growing_backoff_and_gives_up()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((502, "{}", null), (503, "{}", null), (504, "{}", null), (500, "{\"error\":{\"code\":\"ServiceError\"}}", null)));
        var (client, _, delays) = Client(server);

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() => client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message()));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.Status);
        Assert.Contains("ServiceError", ex.Body, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(3, delays.Count);
        Assert.True(delays[2] > delays[0]);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    public async Task Does_not_retry_client_errors(int status)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((status, "{}", null)));
        var (client, _, _) = Client(server);

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() => client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message()));

        Assert.Equal(status, (int)ex.Status);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_401_refreshes_the_token_once()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((401, "{}", null), (201, "{\"id\":\"ok\"}", null)));
        var (client, tokens, _) = Client(server);

        await client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message());

        Assert.Equal([false, true], tokens.Calls);
        Assert.Equal("Bearer fresh-token", server.Requests.Last().Headers["Authorization"]);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_cap_fails_instead_of_waiting()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((429, "{}", "3600")));
        var (client, _, delays) = Client(server);

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() => client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message()));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task Never_sends_a_token_to_an_untrusted_service_url()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((201, "{}", null)));
        var (client, _, _) = Client(server, trust: false);

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() => client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message()));

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Anonymous_mode_sends_without_a_token_to_any_url()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((201, "{\"id\":\"x\"}", null)));
        var client = new BotConnectorClient(new HttpClient(), AnonymousBotTokenSource.Instance, new TrustedServiceUrls());

        await client.SendToConversationAsync(server.BaseUrl + "/_connector", "conv-1", Message());

        Assert.False(Assert.Single(server.Requests).Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Oversize_activities_are_refused_before_the_call()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(Script((201, "{}", null)));
        var (client, _, _) = Client(server);

        var ex = await Assert.ThrowsAsync<BotConnectorException>(() => client.SendToConversationAsync(server.BaseUrl + "/connector/", TeamsThread, Message(new string('x', 100_000))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, ex.Status);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", "HTTPS://SMBA.trafficmanager.net/amer")]
    [InlineData("http://localhost:56150/_connector", "http://localhost:56150/_connector/")]
    public void Trusted_urls_ignore_case_of_the_host_and_a_trailing_slash(string seen, string used)
    {
        var trusted = new TrustedServiceUrls();
        trusted.Trust(seen);

        Assert.True(trusted.IsTrusted(used));
        Assert.False(trusted.IsTrusted("https://smba.trafficmanager.net/emea/"));
    }

    [Fact]
    public void Msal_token_source_needs_app_id_and_password()
    {
        Assert.Throws<InvalidOperationException>(() => new MsalBotTokenSource(new BotOptions { MicrosoftAppId = "app" }));
        Assert.NotNull(new MsalBotTokenSource(new BotOptions { MicrosoftAppId = "app", MicrosoftAppPassword = "secret", MicrosoftAppTenantId = "tid" }));
    }
}
