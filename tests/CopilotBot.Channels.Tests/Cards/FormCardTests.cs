using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Channels.Slack;
using CopilotBot.Channels.Tests.DirectLine;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Channels.Tests.Slack;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.Cards;

/// <summary>
/// A form card (Edit on a draft) on every channel: Adaptive Card inputs for Teams and Web Chat, whose typed values come back
/// with the button's data; on Slack a modal opened with the click's trigger id, whose submission is answered like the button.
/// </summary>
public sealed class FormCardTests
{
    private const string Secret = "test-signing-secret";

    private static IEnumerable<JsonObject> Walk(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(p => Walk(p.Value))),
        JsonArray a => a.SelectMany(Walk),
        _ => [],
    };

    [Fact]
    public void AdaptiveCard_HasInputTextPrefilledAsTyped_AndSubmitActions_CancelWithoutInputs()
    {
        JsonObject card = AdaptiveCardRenderer.Render(TestCards.Form());

        AdaptiveCardSchema.AssertValid(card);
        AdaptiveCardGuard.Validate(card);
        var inputs = Walk(card).Where(e => (string?)e["type"] == "Input.Text").ToList();
        Assert.Equal(["subject", "body"], inputs.Select(i => (string?)i["id"]));
        // An input box shows text, not markdown: the value is exactly the draft, with no escaping to leak into what is sent.
        Assert.Equal("Checking in, Acme <Corp>", (string?)inputs[0]["value"]);
        Assert.Equal("Hi *team*,\n\nSee [the plan](http://evil.example) & <b>reply</b>.", (string?)inputs[1]["value"]);
        Assert.Equal((false, 200, true), ((bool)inputs[0]["isMultiline"]!, (int)inputs[0]["maxLength"]!, (bool)inputs[0]["isRequired"]!));
        Assert.Equal((true, CardInput.DefaultMaxLength), ((bool)inputs[1]["isMultiline"]!, (int)inputs[1]["maxLength"]!));
        Assert.Equal("Message", (string?)inputs[1]["label"]);

        JsonObject send = Walk(card).Single(e => (string?)e["type"] == "Action.Execute" && (string?)e["title"] == "Send");
        JsonObject submit = (JsonObject)send["fallback"]!;
        Assert.Equal(("Action.Submit", "interventions.send_draft", "acc-1"), ((string?)submit["type"], (string?)submit["data"]!["verb"], (string?)submit["data"]!["account"]));
        Assert.Null(send["associatedInputs"]);
        JsonObject cancel = Walk(card).Single(e => (string?)e["type"] == "Action.Execute" && (string?)e["title"] == "Cancel");
        Assert.Equal(("none", "none"), ((string?)cancel["associatedInputs"], (string?)cancel["fallback"]!["associatedInputs"]));

        // Web Chat gets the Submit actions, stamped, inputs untouched.
        JsonNode webChat = WebChatCards.ForWebChat(card, "a1", 0)!;
        Assert.DoesNotContain("Action.Execute", webChat.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(2, Walk(webChat).Count(e => (string?)e["type"] == "Input.Text"));
        Assert.Equal("none", (string?)Walk(webChat).Single(e => (string?)e["type"] == "Action.Submit" && (string?)e["title"] == "Cancel")["associatedInputs"]);
    }

    [Fact]
    public void Slack_Message_ShowsTheFieldsAsEscapedText_AndTheModalHasPlainTextInputs()
    {
        JsonArray message = BlockKitRenderer.Render(TestCards.Form());
        string text = string.Join("\n", Walk(message).Select(b => b["text"]).OfType<JsonValue>().Select(v => (string?)v));
        Assert.DoesNotContain(Walk(message), b => (string?)b["type"] is "input" or "plain_text_input");
        Assert.Contains("Acme &lt;Corp&gt;", text, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;reply&lt;/b&gt;", text, StringComparison.Ordinal);

        JsonObject modal = BlockKitRenderer.RenderModal(TestCards.Form(), "{\"x\":1}");

        Assert.Equal(("modal", BlockKitRenderer.ModalCallbackId, "{\"x\":1}"), ((string?)modal["type"], (string?)modal["callback_id"], (string?)modal["private_metadata"]));
        Assert.Equal(("Send", "Cancel"), ((string?)modal["submit"]!["text"], (string?)modal["close"]!["text"]));
        Assert.True(((string)modal["title"]!["text"]!).Length <= 24);
        var inputs = ((JsonArray)modal["blocks"]!).OfType<JsonObject>().Where(b => (string?)b["type"] == "input").ToList();
        Assert.Equal(["subject", "body"], inputs.Select(b => (string?)b["block_id"]));
        JsonObject body = (JsonObject)inputs[1]["element"]!;
        Assert.Equal(("plain_text_input", "body", true, 3000), ((string?)body["type"], (string?)body["action_id"], (bool)body["multiline"]!, (int)body["max_length"]!));
        // plain_text_input shows its initial value as typed (no mrkdwn), so it is not escaped.
        Assert.Equal("Hi *team*,\n\nSee [the plan](http://evil.example) & <b>reply</b>.", (string?)body["initial_value"]);
        Assert.False((bool)inputs[1]["optional"]!);
        Assert.DoesNotContain(Walk(modal), b => (string?)b["type"] == "actions");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task WebChat_FormSubmit_BringsTheTypedFieldsToTheAgent_WithTheButtonsData_AndReplacesTheForm()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        string asked = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("form"));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == asked));
        JsonObject form = DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == asked);
        JsonObject send = Walk(form).Single(e => (string?)e["type"] == "Action.Submit" && (string?)e["title"] == "Send");

        // What Web Chat posts for an Action.Submit: the action's data with every input's value merged in.
        var value = (JsonObject)send["data"]!.DeepClone();
        value["subject"] = "Renewal, together";
        value["body"] = "Edited by hand: <i>thanks</i>";
        await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack(value));
        string formId = (string)form["id"]!;
        await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == formId && ((string?)x["attachments"]?[0]?["content"]?["body"]?[0]?["text"])?.StartsWith("📤", StringComparison.Ordinal) == true));

        JsonObject seen = host.Agent.LastValue!;
        Assert.False(seen.ContainsKey(WebChatCards.CardKey));
        CardValue click = CardValue.Read(seen)!;
        Assert.Equal("interventions.send_draft", click.Verb);
        Assert.Equal(("acc-1", "I0123456789", "Renewal, together", "Edited by hand: <i>thanks</i>"),
            (click.Fields["account"], click.Fields["draft"], click.Fields["subject"], click.Fields["body"]));
    }

    private sealed class FakeSlackApi : IAsyncDisposable
    {
        private FakeSlackApi(LoopbackServer server) => Server = server;

        public LoopbackServer Server { get; }

        public static async Task<FakeSlackApi> StartAsync() => new(await LoopbackServer.StartAsync(async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(request.RawTarget.EndsWith("views.open", StringComparison.Ordinal)
                ? """{"ok":true,"view":{"id":"V1"}}"""
                : """{"ok":true,"channel":"C1","ts":"1700000001.5"}""");
        }));

        public SlackWebApiClient Client() => new(new HttpClient(), new SlackOptions { BotToken = "xoxb-test", ApiBaseUrl = Server.BaseUrl + "/api/" });

        public List<(string Method, JsonObject Body)> Calls() =>
            Server.Requests.Select(r => (r.RawTarget["/api/".Length..], JsonNode.Parse(r.Body)!.AsObject())).ToList();

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static DefaultHttpContext Signed(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(body);
        string ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Request.Headers[SlackSignatureVerifier.TimestampHeader] = ts;
        context.Request.Headers[SlackSignatureVerifier.SignatureHeader] = SlackSignatureVerifier.Sign(Secret, ts, body);
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Slack_EditClick_OpensAModalWithTheTriggerId_AndItsSubmissionSendsTheEditedDraftInPlaceOfTheCard()
    {
        await using FakeSlackApi slack = await FakeSlackApi.StartAsync();
        await using var queue = new InProcessChannelWorkQueue();
        var endpoint = new SlackEndpoint(new SlackOptions { SigningSecret = Secret, BotToken = "xoxb-test" }, slack.Client(), new MemoryInboundDeduplicator(), queue);
        var turns = new ConcurrentQueue<TurnRequest>();
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = (request, _) =>
        {
            turns.Enqueue(request);
            return Task.FromResult((string?)request.Value?["verb"] == "interventions.edit_draft"
                ? new TurnReply("Edit the draft, then press Send.", "interventions.edit_draft", new Dictionary<string, object?>(), [TestCards.Form()], [], 1)
                : new TurnReply("Queued the edited email.", "interventions.send_draft", new Dictionary<string, object?>(), [new Card("📤 Sent: Acme Corp", [new CardText("Simulated send.")], [])], [], 1) { UpdatesCard = true });
        };

        JsonObject click = SlackParsingTests.BlockActions("""{"verb":"interventions.edit_draft","account":"acc-1","channel":"email","draft":"I0123456789"}""", actionId: "interventions.edit_draft", threadTs: "1700000000.000100");
        click["trigger_id"] = "13345224609.738474920.8088930838d88f008e0";
        DefaultHttpContext clicked = Signed(SlackParsingTests.InteractionForm(click));
        await endpoint.HandleInteractivityAsync(clicked, agent);
        await queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, clicked.Response.StatusCode);
        (string method, JsonObject opened) = Assert.Single(slack.Calls());
        Assert.Equal("views.open", method);
        Assert.Equal("Bearer xoxb-test", slack.Server.Requests.Single().Headers["Authorization"]);
        Assert.Equal("13345224609.738474920.8088930838d88f008e0", (string?)opened["trigger_id"]);
        JsonObject view = (JsonObject)opened["view"]!;
        Assert.Equal("modal", (string?)view["type"]);
        var inputs = ((JsonArray)view["blocks"]!).OfType<JsonObject>().Where(b => (string?)b["type"] == "input").Select(b => (JsonObject)b["element"]!).ToList();
        Assert.Equal([("plain_text_input", "subject"), ("plain_text_input", "body")], inputs.Select(e => ((string?)e["type"], (string?)e["action_id"])));
        Assert.Equal("Checking in, Acme <Corp>", (string?)inputs[0]["initial_value"]);

        // The person edits and submits: Slack posts view_submission with the modal's metadata and the typed values.
        var submission = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["user"] = new JsonObject { ["id"] = "U123", ["team_id"] = "T1" },
            ["view"] = new JsonObject
            {
                ["id"] = "V1",
                ["hash"] = "156772938.1827394",
                ["type"] = "modal",
                ["callback_id"] = (string?)view["callback_id"],
                ["private_metadata"] = (string?)view["private_metadata"],
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["subject"] = new JsonObject { ["subject"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "Renewal, together" } },
                        ["body"] = new JsonObject { ["body"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "Edited in Slack <@U999> *now*" } },
                    },
                },
            },
        };
        byte[] form = SlackParsingTests.InteractionForm(submission);
        DefaultHttpContext submitted = Signed(form);
        await endpoint.HandleInteractivityAsync(submitted, agent);
        await endpoint.HandleInteractivityAsync(Signed(form), agent); // a repeat of the same submission does nothing twice
        await queue.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, submitted.Response.StatusCode);
        Assert.Equal(0, ((MemoryStream)submitted.Response.Body).Length); // an empty 200 closes the modal
        Assert.Equal(2, turns.Count);
        TurnRequest sent = turns.Last();
        Assert.Equal(("slack", "C1:1700000000.000100", "U123"), (sent.Channel, sent.ConversationId, sent.UserId));
        CardValue value = CardValue.Read(sent.Value!)!;
        Assert.Equal("interventions.send_draft", value.Verb);
        Assert.Equal(("acc-1", "I0123456789", "Renewal, together", "Edited in Slack <@U999> *now*"),
            (value.Fields["account"], value.Fields["draft"], value.Fields["subject"], value.Fields["body"]));
        (string updateMethod, JsonObject update) = slack.Calls()[1];
        Assert.Equal(2, slack.Calls().Count);
        Assert.Equal(("chat.update", "C1", "1700000001.5"), (updateMethod, (string?)update["channel"], (string?)update["ts"]));
        Assert.Contains(Walk(update), b => (string?)b["type"] == "header" && (string?)b["text"]!["text"] == "📤 Sent: Acme Corp");
    }

    [Fact]
    public void ViewSubmission_NotOursOrWithoutMetadata_IsNoTurn_AndAnEmptiedFieldComesBackEmpty()
    {
        JsonObject Payload(string callbackId, string? metadata) => new()
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = "U1" },
            ["view"] = new JsonObject
            {
                ["id"] = "V2", ["callback_id"] = callbackId, ["private_metadata"] = metadata,
                ["state"] = new JsonObject { ["values"] = new JsonObject { ["body"] = new JsonObject { ["body"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } } } },
            },
        };

        Assert.Null(SlackInteractivityParser.ToSubmissionTurn(SlackInteractivityParser.Parse(SlackParsingTests.InteractionForm(Payload("someone.else", """{"value":{"verb":"x"},"channel":"C1"}""")))));
        Assert.Null(SlackInteractivityParser.ToSubmissionTurn(SlackInteractivityParser.Parse(SlackParsingTests.InteractionForm(Payload(BlockKitRenderer.ModalCallbackId, "not json")))));
        string metadata = SlackInteractivityParser.FormMetadata(TestCards.Form().Actions[0], "D1", null, "1.5");
        SlackSubmission submission = SlackInteractivityParser.ToSubmissionTurn(SlackInteractivityParser.Parse(SlackParsingTests.InteractionForm(Payload(BlockKitRenderer.ModalCallbackId, metadata))))!;
        Assert.Equal(("D1", null, "1.5", "D1"), (submission.Channel, submission.ThreadTs, submission.MessageTs, submission.Turn.ConversationId));
        Assert.Equal("", (string?)submission.Turn.Value!["body"]);
    }
}
