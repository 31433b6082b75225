using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.Slack;

public sealed class SlackEndpointTests
{
    private const string Secret = "test-signing-secret";

    private sealed class FakeSlack : ISlackApi
    {
        public ConcurrentQueue<(string Channel, string Text, JsonArray? Blocks, string? ThreadTs)> Posts { get; } = new();

        public ConcurrentQueue<(string Url, JsonObject Payload)> Responses { get; } = new();

        public Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
        {
            Posts.Enqueue((channel, text, blocks, threadTs));
            return Task.FromResult(new SlackMessageRef(channel, "1.1"));
        }

        public ConcurrentQueue<(string Channel, string Ts, string Text, JsonArray? Blocks)> Updates { get; } = new();

        public Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default)
        {
            Updates.Enqueue((channel, ts, text, blocks));
            return Task.FromResult(new SlackMessageRef(channel, ts));
        }

        public Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default)
        {
            Responses.Enqueue((responseUrl, payload));
            return Task.CompletedTask;
        }
    }

    private readonly FakeSlack _slack = new();
    private readonly InProcessChannelWorkQueue _queue = new();
    private readonly ConcurrentQueue<TurnRequest> _turns = new();
    private readonly SlackEndpoint _endpoint;

    public SlackEndpointTests()
    {
        _endpoint = new SlackEndpoint(new SlackOptions { SigningSecret = Secret, BotToken = "xoxb" }, _slack, new MemoryInboundDeduplicator(), _queue);
    }

    private Func<TurnRequest, CancellationToken, Task<TurnReply>> Agent(TimeSpan? delay = null, TurnReply? reply = null) => async (request, ct) =>
    {
        _turns.Enqueue(request);
        if (delay is { } d)
        {
            await Task.Delay(d, ct);
        }

        return reply ?? TurnReply.Plain("answer to " + request.Text);
    };

    private static DefaultHttpContext Request(byte[] body, string? signature = null, long? timestamp = null, string contentType = "application/json", string? retryNum = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(body);
        string ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Request.Headers[SlackSignatureVerifier.TimestampHeader] = ts;
        context.Request.Headers[SlackSignatureVerifier.SignatureHeader] = signature ?? SlackSignatureVerifier.Sign(Secret, ts, body);
        if (retryNum is not null)
        {
            context.Request.Headers["X-Slack-Retry-Num"] = retryNum;
            context.Request.Headers["X-Slack-Retry-Reason"] = "http_timeout";
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string ResponseBody(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private async Task<HttpContext> EventsAsync(string json, Func<TurnRequest, CancellationToken, Task<TurnReply>>? agent = null, string? retryNum = null)
    {
        DefaultHttpContext context = Request(Encoding.UTF8.GetBytes(json), retryNum: retryNum);
        await _endpoint.HandleEventsAsync(context, agent ?? Agent());
        return context;
    }

    [Fact]
    public async Task Url_verification_echoes_the_challenge()
    {
        HttpContext context = await EventsAsync("""{"token":"t","challenge":"abc123","type":"url_verification"}""");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("abc123", (string?)JsonNode.Parse(ResponseBody(context))!["challenge"]);
    }

    [Fact]
    public async Task Unsigned_stale_or_tampered_requests_are_401_before_parsing()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"type":"url_verification","challenge":"x"}""");
        DefaultHttpContext unsigned = Request(body);
        unsigned.Request.Headers.Remove(SlackSignatureVerifier.SignatureHeader);
        DefaultHttpContext stale = Request(body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        DefaultHttpContext tampered = Request(body, signature: SlackSignatureVerifier.Sign(Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "{}"u8));
        DefaultHttpContext garbage = Request("{not json"u8.ToArray(), signature: "v0=00");

        foreach (DefaultHttpContext context in new[] { unsigned, stale, tampered, garbage })
        {
            await _endpoint.HandleEventsAsync(context, Agent());
            Assert.Equal(401, context.Response.StatusCode);
            Assert.DoesNotContain("challenge", ResponseBody(context), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Signed_malformed_json_is_400()
    {
        Assert.Equal(400, (await EventsAsync("{not json")).Response.StatusCode);
        Assert.Equal(400, (await EventsAsync("""{"type":"mystery"}""")).Response.StatusCode);
    }

    [Fact]
    public async Task An_app_mention_is_acknowledged_before_the_agent_finishes_and_answered_in_thread_later()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = async (request, _) =>
        {
            _turns.Enqueue(request);
            await gate.Task;
            return TurnReply.Plain("answer to " + request.Text);
        };

        HttpContext context = await EventsAsync(SlackParsingTests.Callback(SlackParsingTests.Mention()), agent);

        // The HTTP answer is complete while the agent is still blocked: the ack never waits for the model.
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Empty(_slack.Posts);
        gate.SetResult();
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));
        var post = Assert.Single(_slack.Posts);
        Assert.Equal(("C1", "1700000000.000100"), (post.Channel, post.ThreadTs));
        Assert.Equal("answer to which accounts are at risk?", post.Text);
    }

    [Fact]
    public async Task Retries_of_the_same_event_id_are_acknowledged_but_answered_once()
    {
        string json = SlackParsingTests.Callback(SlackParsingTests.Dm(), eventId: "Ev42");

        Assert.Equal(200, (await EventsAsync(json)).Response.StatusCode);
        Assert.Equal(200, (await EventsAsync(json, retryNum: "1")).Response.StatusCode);
        Assert.Equal(200, (await EventsAsync(json, retryNum: "2")).Response.StatusCode);
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Single(_turns);
        Assert.Single(_slack.Posts);
    }

    [Fact]
    public async Task Bot_messages_are_acknowledged_and_ignored()
    {
        JsonObject dm = SlackParsingTests.Dm();
        dm["bot_id"] = "B1";

        Assert.Equal(200, (await EventsAsync(SlackParsingTests.Callback(dm))).Response.StatusCode);
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_turns);
    }

    [Fact]
    public async Task A_card_reply_is_posted_as_blocks()
    {
        await EventsAsync(SlackParsingTests.Callback(SlackParsingTests.Dm()), Agent(reply: TestCards.Reply(TestCards.Account())));
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        var post = Assert.Single(_slack.Posts);
        Assert.Null(post.ThreadTs);
        Assert.Contains(post.Blocks!, b => (string?)b!["type"] == "actions");
    }

    private async Task<HttpContext> InteractAsync(byte[] form, Func<TurnRequest, CancellationToken, Task<TurnReply>>? agent = null)
    {
        DefaultHttpContext context = Request(form, contentType: "application/x-www-form-urlencoded");
        await _endpoint.HandleInteractivityAsync(context, agent ?? Agent());
        return context;
    }

    [Fact]
    public async Task A_click_whose_reply_is_the_cards_new_state_replaces_the_clicked_message_in_place()
    {
        JsonObject payload = SlackParsingTests.BlockActions("""{"verb":"approve","intervention":"I1"}""", actionId: "approve");
        TurnReply decided = TestCards.Reply(TestCards.Account()) with { UpdatesCard = true };

        await InteractAsync(SlackParsingTests.InteractionForm(payload), Agent(reply: decided));
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        var update = Assert.Single(_slack.Updates);
        Assert.Equal(("C1", "1700000001.5"), (update.Channel, update.Ts));
        Assert.Contains(update.Blocks!, b => (string?)b!["type"] == "header" || (string?)b!["type"] == "section");
        Assert.Empty(_slack.Posts);
    }

    [Fact]
    public async Task Direct_messages_are_remembered_for_proactive_messages_and_channel_mentions_are_not()
    {
        var sink = new RecordingSink();
        var endpoint = new SlackEndpoint(new SlackOptions { SigningSecret = Secret, BotToken = "xoxb" }, _slack, new MemoryInboundDeduplicator(), _queue, references: sink);
        JsonObject dm = SlackParsingTests.Dm();
        dm["channel"] = "D42";
        JsonObject mention = SlackParsingTests.Mention();
        mention["channel"] = "C7";

        foreach (JsonObject evt in new[] { dm, mention })
        {
            DefaultHttpContext context = Request(Encoding.UTF8.GetBytes(SlackParsingTests.Callback(evt, eventId: "Ev" + evt["channel"])));
            await endpoint.HandleEventsAsync(context, Agent());
        }

        await _queue.DrainAsync(TimeSpan.FromSeconds(10));
        var remembered = Assert.Single(sink.Targets);
        Assert.Equal(("slack", "D42"), (remembered.Target.Channel, remembered.Target.ConversationId));
        Assert.Equal("D42", (string?)JsonNode.Parse(remembered.Target.Reference)!["channel"]);
    }

    private sealed class RecordingSink : IConversationReferenceSink
    {
        public ConcurrentQueue<(string User, ProactiveTarget Target)> Targets { get; } = new();

        public ValueTask RememberAsync(string userId, ProactiveTarget target, CancellationToken cancellationToken = default)
        {
            Targets.Enqueue((userId, target));
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_button_click_is_acknowledged_and_answered_in_the_cards_thread()
    {
        JsonObject payload = SlackParsingTests.BlockActions("""{"verb":"churn.explain","account":"acc-1"}""", threadTs: "1700000000.000100");

        HttpContext context = await InteractAsync(SlackParsingTests.InteractionForm(payload));
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(string.Empty, ResponseBody(context));
        TurnRequest turn = Assert.Single(_turns);
        Assert.Equal("churn.explain", (string?)turn.Value!["verb"]);
        Assert.Equal(("C1", "1700000000.000100"), (_slack.Posts.Single().Channel, _slack.Posts.Single().ThreadTs));
    }

    [Fact]
    public async Task An_unknown_action_gets_an_ephemeral_note()
    {
        HttpContext context = await InteractAsync(SlackParsingTests.InteractionForm(SlackParsingTests.BlockActions("legacy-value", "some_old_button")));
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Empty(_turns);
        var response = Assert.Single(_slack.Responses);
        Assert.Equal("ephemeral", (string?)response.Payload["response_type"]);
        Assert.Contains("isn't supported", (string?)response.Payload["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_button_clicks_are_only_acknowledged()
    {
        HttpContext context = await InteractAsync(SlackParsingTests.InteractionForm(SlackParsingTests.BlockActions("x", "open", url: "https://example.com")));
        await _queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Empty(_turns);
        Assert.Empty(_slack.Responses);
    }

    [Fact]
    public async Task Missing_payload_is_400_and_unsigned_is_401()
    {
        Assert.Equal(400, (await InteractAsync("foo=bar"u8.ToArray())).Response.StatusCode);

        DefaultHttpContext unsigned = Request("payload=%7B%7D"u8.ToArray(), signature: "v0=bad", contentType: "application/x-www-form-urlencoded");
        await _endpoint.HandleInteractivityAsync(unsigned, Agent());
        Assert.Equal(401, unsigned.Response.StatusCode);
    }

    [Fact]
    public async Task Without_a_signing_secret_nothing_is_accepted()
    {
        var endpoint = new SlackEndpoint(new SlackOptions(), _slack, new MemoryInboundDeduplicator(), _queue);
        DefaultHttpContext context = Request("""{"type":"url_verification","challenge":"x"}"""u8.ToArray());

        await endpoint.HandleEventsAsync(context, Agent());

        Assert.Equal(503, context.Response.StatusCode);
    }
}
