using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Conversation;

namespace CopilotBot.Channels.Tests.Slack;

public sealed class SlackParsingTests
{
    internal static string Callback(JsonObject evt, string eventId = "Ev01", string botUser = "UBOT") => new JsonObject
    {
        ["token"] = "legacy",
        ["team_id"] = "T1",
        ["api_app_id"] = "A1",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["event"] = evt,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T1", ["user_id"] = botUser, ["is_bot"] = true }),
    }.ToJsonString();

    internal static JsonObject Mention(string text = "<@UBOT> which accounts are at risk?", string? threadTs = null)
    {
        var evt = new JsonObject { ["type"] = "app_mention", ["user"] = "U123", ["text"] = text, ["ts"] = "1700000000.000100", ["channel"] = "C1", ["event_ts"] = "1700000000.000100" };
        if (threadTs is not null)
        {
            evt["thread_ts"] = threadTs;
        }

        return evt;
    }

    internal static JsonObject Dm(string text = "hello") => new() { ["type"] = "message", ["channel_type"] = "im", ["user"] = "U123", ["text"] = text, ["ts"] = "1700000001.000200", ["channel"] = "D1" };

    private static SlackEnvelope Parse(string json) => SlackEventParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Url_verification_returns_the_challenge()
    {
        var verification = Assert.IsType<SlackUrlVerification>(Parse("""{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"""));

        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", verification.Challenge);
    }

    [Theory]
    [InlineData("{", "MalformedJson")]
    [InlineData("[]", "NotAnObject")]
    [InlineData("{}", "MissingType")]
    [InlineData("{\"type\":\"block_suggestion_of_the_future\"}", "UnknownType")]
    [InlineData("{\"type\":\"url_verification\"}", "MissingChallenge")]
    [InlineData("{\"type\":\"event_callback\",\"event_id\":\"Ev1\"}", "MissingEvent")]
    [InlineData("{\"type\":\"event_callback\",\"event\":{}}", "MissingEventId")]
    public void Bad_envelopes_are_400(string json, string code)
    {
        var ex = Assert.Throws<ChannelRequestException>(() => Parse(json));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void App_rate_limited_is_known_and_ignored()
    {
        Assert.IsType<SlackIgnoredEnvelope>(Parse("""{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}"""));
    }

    [Fact]
    public void An_app_mention_becomes_a_turn_answered_in_its_thread()
    {
        var callback = Assert.IsType<SlackEventCallback>(Parse(Callback(Mention())));

        SlackInboundMessage message = SlackEventParser.ToMessage(callback)!;

        Assert.Equal(new TurnRequest("slack", "C1:1700000000.000100", "U123", "which accounts are at risk?"), message.Request);
        Assert.Equal(("C1", "1700000000.000100"), (message.Channel, message.ThreadTs));
        Assert.Equal("T1", message.User.TeamId);
    }

    [Fact]
    public void A_mention_inside_a_thread_stays_in_that_thread()
    {
        SlackInboundMessage message = SlackEventParser.ToMessage((SlackEventCallback)Parse(Callback(Mention(threadTs: "1699999999.000001"))))!;

        Assert.Equal("1699999999.000001", message.ThreadTs);
        Assert.Equal("C1:1699999999.000001", message.Request.ConversationId);
    }

    [Fact]
    public void A_direct_message_is_answered_inline()
    {
        SlackInboundMessage message = SlackEventParser.ToMessage((SlackEventCallback)Parse(Callback(Dm())))!;

        Assert.Equal(new TurnRequest("slack", "D1", "U123", "hello"), message.Request);
        Assert.Null(message.ThreadTs);
    }

    [Theory]
    [InlineData("subtype", "bot_message")]
    [InlineData("subtype", "message_changed")]
    [InlineData("bot_id", "B123")]
    [InlineData("user", "UBOT")]
    [InlineData("channel_type", "channel")]
    [InlineData("type", "reaction_added")]
    public void Bot_own_edited_and_other_events_are_not_answered(string field, string value)
    {
        JsonObject dm = Dm();
        dm[field] = value;

        Assert.Null(SlackEventParser.ToMessage((SlackEventCallback)Parse(Callback(dm))));
    }

    [Theory]
    [InlineData("<@UBOT> hi", "hi")]
    [InlineData("<@UBOT|copilot> ask <@U999|ada> about &lt;Acme&gt; &amp; co", "ask @ada about <Acme> & co")]
    [InlineData("see <https://example.com/a?b=1|the report> and <https://example.com>", "see the report and https://example.com")]
    [InlineData("  spaced\n\nout  ", "spaced out")]
    public void Text_is_cleaned_of_slack_markup(string text, string expected)
    {
        Assert.Equal(expected, SlackEventParser.CleanText(text, new HashSet<string> { "UBOT" }));
    }

    internal static byte[] InteractionForm(JsonObject payload) => Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(payload.ToJsonString()));

    internal static JsonObject BlockActions(string value, string actionId = "churn.explain", string? threadTs = null, JsonObject? state = null, string? url = null)
    {
        var action = new JsonObject { ["type"] = "button", ["action_id"] = actionId, ["block_id"] = "b1", ["value"] = value, ["action_ts"] = "1700000002.1" };
        if (url is not null)
        {
            action["url"] = url;
        }

        var container = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000001.5", ["channel_id"] = "C1", ["is_ephemeral"] = false };
        if (threadTs is not null)
        {
            container["thread_ts"] = threadTs;
        }

        return new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "U123", ["username"] = "ada", ["team_id"] = "T1" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["api_app_id"] = "A1",
            ["container"] = container,
            ["channel"] = new JsonObject { ["id"] = "C1" },
            ["message"] = new JsonObject { ["ts"] = "1700000001.5", ["text"] = "card" },
            ["response_url"] = "https://hooks.slack.com/actions/T1/1/abc",
            ["trigger_id"] = "1.2.3",
            ["actions"] = new JsonArray(action),
            ["state"] = new JsonObject { ["values"] = state ?? new JsonObject() },
        };
    }

    [Fact]
    public void A_button_click_becomes_a_turn_with_the_verb_and_data_and_inputs()
    {
        var state = new JsonObject
        {
            ["b2"] = new JsonObject
            {
                ["note"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "call them + soon" },
                ["when"] = new JsonObject { ["type"] = "datepicker", ["selected_date"] = "2025-03-01" },
                ["tier"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "platinum" } },
            },
        };
        SlackInteraction interaction = SlackInteractivityParser.Parse(InteractionForm(BlockActions("""{"verb":"churn.explain","account":"acc-1"}""", threadTs: "1700000000.000100", state: state)));

        TurnRequest turn = SlackInteractivityParser.ToTurn(interaction, interaction.Actions[0])!;

        Assert.Equal("slack", turn.Channel);
        Assert.Equal("C1:1700000000.000100", turn.ConversationId);
        Assert.Equal("U123", turn.UserId);
        Assert.Equal("churn.explain", (string?)turn.Value!["verb"]);
        Assert.Equal("acc-1", (string?)turn.Value["account"]);
        Assert.Equal("call them + soon", (string?)turn.Value["note"]);
        Assert.Equal("2025-03-01", (string?)turn.Value["when"]);
        Assert.Equal("platinum", (string?)turn.Value["tier"]);
        Assert.Equal("https://hooks.slack.com/actions/T1/1/abc", interaction.ResponseUrl);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"account\":\"acc-1\"}")]
    [InlineData("")]
    public void A_button_that_is_not_ours_maps_to_no_turn(string value)
    {
        SlackInteraction interaction = SlackInteractivityParser.Parse(InteractionForm(BlockActions(value)));

        Assert.Null(SlackInteractivityParser.ToTurn(interaction, interaction.Actions[0]));
    }

    [Theory]
    [InlineData("", "MissingPayload")]
    [InlineData("other=1", "MissingPayload")]
    [InlineData("payload=%7Bnot%20json", "MalformedJson")]
    [InlineData("payload=%5B%5D", "NotAnObject")]
    [InlineData("payload=%7B%7D", "MissingType")]
    public void Bad_interactivity_forms_are_400(string form, string code)
    {
        var ex = Assert.Throws<ChannelRequestException>(() => SlackInteractivityParser.Parse(Encoding.UTF8.GetBytes(form)));

        Assert.Equal(code, ex.Code);
    }
}
