using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class BotFrameworkEndpointTests(AuthorityFixture fixture) : IClassFixture<AuthorityFixture>
{
    private const string Playground = "http://localhost:56150/_connector";

    private sealed class FakeConnector : IBotConnector
    {
        public ConcurrentQueue<(string Op, string ServiceUrl, string ConversationId, string? ActivityId, Activity Activity)> Sent { get; } = new();

        public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default)
        {
            Sent.Enqueue(("send", serviceUrl, conversationId, null, activity));
            return Task.FromResult(new ResourceResponse("s"));
        }

        public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default)
        {
            Sent.Enqueue(("reply", serviceUrl, conversationId, activityId, activity));
            return Task.FromResult(new ResourceResponse("r"));
        }

        public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default)
        {
            Sent.Enqueue(("update", serviceUrl, conversationId, activityId, activity));
            return Task.FromResult(new ResourceResponse(activityId));
        }
    }

    private sealed class Harness
    {
        public Harness(BotOptions options)
        {
            Endpoint = new BotFrameworkEndpoint(
                options,
                new BotTokenValidator(options, new OpenIdBotSigningKeySource(options.OpenIdMetadataUrl)),
                Connector,
                Trusted,
                new MemoryInboundDeduplicator(),
                Queue);
        }

        public FakeConnector Connector { get; } = new();

        public InProcessChannelWorkQueue Queue { get; } = new();

        public TrustedServiceUrls Trusted { get; } = new();

        public ConcurrentQueue<TurnRequest> Turns { get; } = new();

        public BotFrameworkEndpoint Endpoint { get; }

        public Func<TurnRequest, CancellationToken, Task<TurnReply>> Agent(Func<TurnRequest, Task<TurnReply>>? answer = null) => async (request, _) =>
        {
            Turns.Enqueue(request);
            return answer is null ? TurnReply.Plain("You said: " + request.Text) : await answer(request);
        };

        public async Task<(int Status, string Body)> PostAsync(string body, Func<TurnRequest, CancellationToken, Task<TurnReply>>? agent = null, string? authorization = null, string method = "POST")
        {
            var context = new DefaultHttpContext();
            context.Request.Method = method;
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentType = "application/json";
            if (authorization is not null)
            {
                context.Request.Headers.Authorization = authorization;
            }

            var response = new MemoryStream();
            context.Response.Body = response;
            await Endpoint.HandleAsync(context, agent ?? Agent());
            return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
        }

        public Task DrainAsync() => Queue.DrainAsync(TimeSpan.FromSeconds(10));
    }

    private Harness Create(BotOptions? options = null)
    {
        options ??= new BotOptions();
        options.OpenIdMetadataUrl = fixture.Authority.MetadataUrl;
        return new Harness(options);
    }

    private static string Message(string text = "hello", string id = "m-1", string serviceUrl = Playground, string extra = "") => $$"""
        {"type":"message","id":"{{id}}","channelId":"msteams","serviceUrl":"{{serviceUrl}}","from":{"id":"user-id-0","name":"Alex Wilber"},
         "recipient":{"id":"28:bot","name":"CopilotBot"},"conversation":{"id":"conv-1","conversationType":"personal"},"text":"{{text}}"{{extra}}}
        """;

    private static string Invoke(string value, string name = "adaptiveCard/action") => $$"""
        {"type":"invoke","name":"{{name}}","id":"i-1","replyToId":"card-msg","channelId":"msteams","serviceUrl":"{{Playground}}",
         "from":{"id":"user-id-0"},"recipient":{"id":"28:bot"},"conversation":{"id":"conv-1"},"value":{{value}}}
        """;

    [Theory]
    [InlineData("{oops", 400, "MalformedJson")]
    [InlineData("{\"conversation\":{\"id\":\"c\"}}", 400, "MissingType")]
    [InlineData("{\"type\":\"message\",\"conversation\":{}}", 400, "MissingConversationId")]
    public async Task Bad_requests_are_400_with_a_code(string body, int status, string code)
    {
        Harness h = Create();

        (int actual, string response) = await h.PostAsync(body);

        Assert.Equal(status, actual);
        Assert.Equal(code, (string?)JsonNode.Parse(response)!["error"]!["code"]);
        Assert.Empty(h.Turns);
    }

    [Fact]
    public async Task Playground_probe_with_head_is_200()
    {
        Assert.Equal(200, (await Create().PostAsync(string.Empty, method: "HEAD")).Status);
    }

    [Fact]
    public async Task A_message_is_acknowledged_then_answered_through_the_connector()
    {
        Harness h = Create();

        (int status, string body) = await h.PostAsync(Message("which accounts are at risk"));
        await h.DrainAsync();

        Assert.Equal(200, status);
        Assert.Equal(string.Empty, body);
        TurnRequest turn = Assert.Single(h.Turns);
        Assert.Equal(new TurnRequest("msteams", "conv-1", "user-id-0", "which accounts are at risk", Sender: "user-id-0"), turn);
        var sent = Assert.Single(h.Connector.Sent, s => s.Activity.Type == "message");
        Assert.Equal(("reply", Playground, "conv-1", "m-1"), (sent.Op, sent.ServiceUrl, sent.ConversationId, sent.ActivityId));
        Assert.Equal("You said: which accounts are at risk", sent.Activity.Text);
    }

    [Fact]
    public async Task A_message_is_acknowledged_while_the_agent_is_still_working()
    {
        Harness h = Create(new BotOptions { TypingDelay = TimeSpan.FromSeconds(30) });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        (int status, _) = await h.PostAsync(Message(), h.Agent(async _ =>
        {
            await gate.Task;
            return TurnReply.Plain("late");
        }));

        Assert.Equal(200, status);
        Assert.Empty(h.Connector.Sent);
        gate.SetResult();
        await h.DrainAsync();
        Assert.Equal("late", Assert.Single(h.Connector.Sent).Activity.Text);
    }

    [Fact]
    public async Task A_redelivered_activity_is_acknowledged_but_answered_once()
    {
        Harness h = Create();

        Assert.Equal(200, (await h.PostAsync(Message())).Status);
        Assert.Equal(200, (await h.PostAsync(Message())).Status);
        await h.DrainAsync();

        Assert.Single(h.Turns);
    }

    [Fact]
    public async Task Install_then_conversation_update_welcomes_once()
    {
        Harness h = Create();
        const string Install = """{"type":"installationUpdate","action":"add","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"user-id-0"},"recipient":{"id":"28:bot"},"conversation":{"id":"conv-1"}}""";
        const string Update = """{"type":"conversationUpdate","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"user-id-0"},"recipient":{"id":"28:bot"},"conversation":{"id":"conv-1"},"membersAdded":[{"id":"user-id-0"},{"id":"28:bot"}]}""";

        await h.PostAsync(Install);
        await h.PostAsync(Update);
        await h.DrainAsync();

        Assert.Equal("help", Assert.Single(h.Turns).Text);
        Assert.Single(h.Connector.Sent, s => s.Op == "send" && s.Activity.Type == "message");
    }

    [Theory]
    [InlineData("messageReaction")]
    [InlineData("typing")]
    [InlineData("endOfConversation")]
    [InlineData("somethingNew")]
    public async Task Unhandled_types_are_200_and_ignored(string type)
    {
        Harness h = Create();

        (int status, _) = await h.PostAsync($$$"""{"type":"{{{type}}}","channelId":"msteams","serviceUrl":"{{{Playground}}}","conversation":{"id":"c"},"from":{"id":"u"}}""");
        await h.DrainAsync();

        Assert.Equal(200, status);
        Assert.Empty(h.Turns);
    }

    [Fact]
    public async Task Unknown_invoke_is_501()
    {
        Assert.Equal(501, (await Create().PostAsync(Invoke("{}", "task/fetch"))).Status);
    }

    [Fact]
    public async Task Execute_invoke_is_answered_in_the_http_response_with_the_card()
    {
        Harness h = Create();

        (int status, string body) = await h.PostAsync(
            Invoke("""{"action":{"type":"Action.Execute","verb":"churn.explain","data":{"account":"acc-1"}},"trigger":"manual"}"""),
            h.Agent(_ => Task.FromResult(TestCards.Reply(TestCards.Account()))));

        Assert.Equal(200, status);
        JsonNode json = JsonNode.Parse(body)!;
        Assert.Equal(200, (int)json["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)json["type"]);
        Assert.Equal("1.5", (string?)json["value"]!["version"]);
        TurnRequest turn = Assert.Single(h.Turns);
        Assert.Equal("churn.explain", (string?)turn.Value!["verb"]);
        await h.DrainAsync();
        Assert.Empty(h.Connector.Sent);
    }

    [Fact]
    public async Task Execute_invoke_without_a_verb_is_200_with_a_400_body()
    {
        Harness h = Create();

        (int status, string body) = await h.PostAsync(Invoke("""{"action":{"type":"Action.Execute","data":{}}}"""));

        Assert.Equal(200, status);
        JsonNode json = JsonNode.Parse(body)!;
        Assert.Equal(400, (int)json["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.error", (string?)json["type"]);
        Assert.Equal("BadRequest", (string?)json["value"]!["code"]);
        Assert.Empty(h.Turns);
    }

    [Fact]
    public async Task A_failing_agent_on_an_invoke_is_a_500_body_not_an_exception()
    {
        Harness h = Create();

        (int status, string body) = await h.PostAsync(
            Invoke("""{"action":{"type":"Action.Execute","verb":"x"}}"""),
            h.Agent(_ => throw new InvalidOperationException("boom")));
        await h.DrainAsync();

        Assert.Equal(200, status);
        Assert.Equal(500, (int)JsonNode.Parse(body)!["statusCode"]!);
        Assert.DoesNotContain("boom", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_invoke_answers_working_on_it_and_delivers_the_answer_later()
    {
        Harness h = Create(new BotOptions { InvokeTimeout = TimeSpan.FromMilliseconds(100) });

        (int status, string body) = await h.PostAsync(
            Invoke("""{"action":{"type":"Action.Execute","verb":"slow"}}"""),
            h.Agent(async _ =>
            {
                await Task.Delay(400);
                return TurnReply.Plain("Finally done.");
            }));

        Assert.Equal(200, status);
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)JsonNode.Parse(body)!["type"]);
        await h.DrainAsync();
        Assert.Contains(h.Connector.Sent, s => s.Activity.Text == "Finally done.");
    }

    [Fact]
    public async Task A_slow_message_shows_typing_until_the_answer()
    {
        Harness h = Create(new BotOptions { TypingDelay = TimeSpan.FromMilliseconds(30), TypingInterval = TimeSpan.FromMilliseconds(60) });

        // The turn stays slow until typing has been repeated (or 10 s pass, when the indicator is not repeated): a fixed
        // 300 ms turn was flaky on a loaded machine, where the repeat timer may not fire within it.
        await h.PostAsync(Message(), h.Agent(async _ =>
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (h.Connector.Sent.Count(s => s.Activity.Type == "typing") < 2 && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            return TurnReply.Plain("ok");
        }));
        await h.DrainAsync();

        var sent = h.Connector.Sent.ToArray();
        Assert.True(sent.Count(s => s.Activity.Type == "typing") >= 2, $"typing sent {sent.Count(s => s.Activity.Type == "typing")} times in 10 s of a slow turn");
        Assert.Equal("message", sent[^1].Activity.Type);
    }

    [Fact]
    public async Task A_fast_message_sends_no_typing()
    {
        Harness h = Create(new BotOptions { TypingDelay = TimeSpan.FromSeconds(5) });

        await h.PostAsync(Message());
        await h.DrainAsync();

        Assert.DoesNotContain(h.Connector.Sent, s => s.Activity.Type == "typing");
    }

    [Fact]
    public async Task A_failing_agent_on_a_message_sends_an_apology()
    {
        Harness h = Create();

        await h.PostAsync(Message(), h.Agent(_ => throw new InvalidOperationException("boom")));
        await h.DrainAsync();

        Assert.StartsWith("Sorry", Assert.Single(h.Connector.Sent).Activity.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_that_breaks_the_rules_falls_back_to_text()
    {
        Harness h = Create();
        var broken = new Card("Empty", [new CardFacts([])], []);

        await h.PostAsync(Message(), h.Agent(_ => Task.FromResult(TestCards.Reply(broken))));
        await h.DrainAsync();

        Activity sent = Assert.Single(h.Connector.Sent).Activity;
        Assert.Null(sent.Attachments);
        Assert.Contains("could not be shown", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_mode_refuses_remote_service_urls()
    {
        Harness h = Create();

        (int status, _) = await h.PostAsync(Message(serviceUrl: "https://attacker.example/"));

        Assert.Equal(403, status);
        Assert.Empty(h.Turns);
    }

    [Fact]
    public async Task With_an_app_id_a_request_without_a_token_is_401_and_not_processed()
    {
        Harness h = Create(new BotOptions { MicrosoftAppId = OpenIdTestAuthority.AppId });

        (int status, string body) = await h.PostAsync(Message(serviceUrl: OpenIdTestAuthority.ServiceUrl));
        await h.DrainAsync();

        Assert.Equal(401, status);
        Assert.Equal("Unauthorized", (string?)JsonNode.Parse(body)!["error"]!["code"]);
        Assert.Empty(h.Turns);
        Assert.False(h.Trusted.IsTrusted(OpenIdTestAuthority.ServiceUrl));
    }

    [Fact]
    public async Task A_valid_token_trusts_the_service_url_and_the_turn_runs()
    {
        Harness h = Create(new BotOptions { MicrosoftAppId = OpenIdTestAuthority.AppId });
        string token = fixture.Authority.Mint(OpenIdTestAuthority.ChannelClaims());

        (int status, _) = await h.PostAsync(Message(serviceUrl: OpenIdTestAuthority.ServiceUrl), authorization: "Bearer " + token);
        await h.DrainAsync();

        Assert.Equal(200, status);
        Assert.True(h.Trusted.IsTrusted(OpenIdTestAuthority.ServiceUrl));
        Assert.Single(h.Turns);
    }

    [Fact]
    public async Task A_token_for_another_service_url_is_403()
    {
        Harness h = Create(new BotOptions { MicrosoftAppId = OpenIdTestAuthority.AppId });
        string token = fixture.Authority.Mint(OpenIdTestAuthority.ChannelClaims(serviceUrl: "https://smba.trafficmanager.net/emea/"));

        (int status, _) = await h.PostAsync(Message(serviceUrl: OpenIdTestAuthority.ServiceUrl), authorization: "Bearer " + token);

        Assert.Equal(403, status);
        Assert.Empty(h.Turns);
    }
}
