using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Cards;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class BotFrameworkAdapterTests
{
    private readonly BotFrameworkAdapter _adapter = new(new BotOptions { WelcomeText = "help" });

    private static Activity Parse(string json) => ActivityParser.Parse(System.Text.Encoding.UTF8.GetBytes(json));

    private static Activity Inbound(string type = "message", string? text = "hello", JsonNode? value = null, string? name = null) => new()
    {
        Type = type,
        Id = "act-1",
        ChannelId = "msteams",
        ServiceUrl = "http://localhost:56150/_connector",
        From = new ChannelAccount("user-id-0", "Alex Wilber"),
        Recipient = new ChannelAccount("28:bot", "CopilotBot"),
        Conversation = new ConversationAccount("conv-1") { ConversationType = "personal", TenantId = "tid" },
        Text = text,
        Value = value,
        Name = name,
    };

    [Fact]
    public void A_message_becomes_a_turn_with_the_stripped_text()
    {
        Activity activity = Parse("""
            {"type":"message","id":"9","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector",
             "from":{"id":"29:u","name":"Alex","aadObjectId":"aad-u"},"recipient":{"id":"28:bot","name":"CopilotBot"},
             "conversation":{"id":"19:abc@thread.tacv2;messageid=7","conversationType":"channel"},
             "text":"<at>CopilotBot</at> top risks","entities":[{"type":"mention","mentioned":{"id":"28:bot","name":"CopilotBot"},"text":"<at>CopilotBot</at>"}]}
            """);

        InboundTurn turn = _adapter.ToTurn(activity);

        Assert.Equal(InboundKind.Message, turn.Kind);
        Assert.Equal(new TurnRequest("msteams", "19:abc@thread.tacv2;messageid=7", "aad-u", "top risks"), turn.Request);
        Assert.Equal("29:u", turn.User!.Id);
    }

    [Fact]
    public void An_action_submit_message_carries_its_value()
    {
        Activity activity = Parse("""
            {"type":"message","id":"10","replyToId":"card-msg","channelId":"msteams","from":{"id":"user-id-0"},"recipient":{"id":"28:bot"},
             "conversation":{"id":"conv-1"},"value":{"verb":"churn.explain","account":"acc-1"},"channelData":{"source":{"name":"message"}}}
            """);

        InboundTurn turn = _adapter.ToTurn(activity);

        Assert.Equal(InboundKind.Message, turn.Kind);
        Assert.Equal(string.Empty, turn.Request!.Text);
        Assert.Equal("churn.explain", (string?)turn.Request.Value!["verb"]);
        Assert.Equal("acc-1", (string?)turn.Request.Value["account"]);
    }

    [Fact]
    public void An_execute_invoke_merges_verb_and_data_like_a_submit()
    {
        Activity activity = Parse("""
            {"type":"invoke","name":"adaptiveCard/action","id":"11","replyToId":"card-msg","channelId":"msteams","from":{"id":"user-id-0"},"recipient":{"id":"28:bot"},
             "conversation":{"id":"conv-1"},"value":{"action":{"type":"Action.Execute","id":"x","verb":"intervention.draft","data":{"account":"acc-1","note":"typed input","verb":"spoofed"}},"trigger":"manual"}}
            """);

        InboundTurn turn = _adapter.ToTurn(activity);

        Assert.Equal(InboundKind.CardAction, turn.Kind);
        Assert.Equal("intervention.draft", (string?)turn.Request!.Value!["verb"]);
        Assert.Equal("acc-1", (string?)turn.Request.Value["account"]);
        Assert.Equal("typed input", (string?)turn.Request.Value["note"]);
    }

    [Theory]
    [InlineData("{}", "value.action")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\"}}", "verb")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\",\"verb\":42}}", "verb")]
    [InlineData("\"just a string\"", "value.action")]
    public void A_bad_execute_invoke_is_an_invalid_card_action(string value, string mentions)
    {
        InboundTurn turn = _adapter.ToTurn(Inbound("invoke", null, JsonNode.Parse(value), "adaptiveCard/action"));

        Assert.Equal(InboundKind.InvalidCardAction, turn.Kind);
        Assert.Contains(mentions, turn.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_invokes_are_unsupported()
    {
        Assert.Equal(InboundKind.UnsupportedInvoke, _adapter.ToTurn(Inbound("invoke", null, null, "composeExtension/query")).Kind);
    }

    [Fact]
    public void Bot_added_to_a_conversation_is_a_welcome()
    {
        Activity update = Inbound("conversationUpdate", null) with { MembersAdded = [new ChannelAccount("user-id-0"), new ChannelAccount("28:bot")] };
        Activity install = Inbound("installationUpdate", null) with { Action = "add" };

        InboundTurn welcome = _adapter.ToTurn(update);

        Assert.Equal(InboundKind.Welcome, welcome.Kind);
        Assert.Equal("help", welcome.Request!.Text);
        Assert.Equal(InboundKind.Welcome, _adapter.ToTurn(install).Kind);
    }

    [Fact]
    public void Other_members_added_removals_and_unknown_types_are_ignored()
    {
        Assert.Equal(InboundKind.Ignore, _adapter.ToTurn(Inbound("conversationUpdate", null) with { MembersAdded = [new ChannelAccount("29:someone")] }).Kind);
        Assert.Equal(InboundKind.Ignore, _adapter.ToTurn(Inbound("installationUpdate", null) with { Action = "remove" }).Kind);
        Assert.Equal(InboundKind.Ignore, _adapter.ToTurn(Inbound("messageReaction")).Kind);
        Assert.Equal(InboundKind.Ignore, _adapter.ToTurn(Inbound("typing")).Kind);
    }

    [Fact]
    public void A_reply_is_a_plain_text_message_with_adaptive_card_attachments_addressed_back()
    {
        Activity inbound = Inbound() with { ChannelData = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tid" } } };

        Activity reply = Assert.Single(_adapter.ToActivities(TestCards.Reply(TestCards.Account()), inbound));

        Assert.Equal("message", reply.Type);
        Assert.Equal("plain", reply.TextFormat);
        Assert.Equal("28:bot", reply.From!.Id);
        Assert.Equal("user-id-0", reply.Recipient!.Id);
        Assert.Equal("act-1", reply.ReplyToId);
        Assert.Null(reply.Id);
        Attachment card = Assert.Single(reply.Attachments!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.ContentType);
        Assert.Equal("AdaptiveCard", (string?)card.Content!["type"]);
        JsonNode json = JsonNode.Parse(ActivityJson.Serialize(reply))!;
        Assert.Equal("tid", (string?)json["channelData"]!["tenant"]!["id"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)json["attachments"]![0]!["contentType"]);
    }

    [Fact]
    public void Too_large_together_is_split_one_card_per_activity()
    {
        Card big = TestCards.Account() with { Body = [new CardText(new string('x', 20_000))] };

        IReadOnlyList<Activity> activities = _adapter.ToActivities(TestCards.Reply(big, big, big, big, big), Inbound());

        Assert.Equal(6, activities.Count);
        Assert.Null(activities[0].Attachments);
        Assert.All(activities.Skip(1), a => Assert.Single(a.Attachments!));
        Assert.All(activities, a => Assert.True(BotFrameworkAdapter.Size(a) <= BotFrameworkAdapter.MaxActivityBytes));
    }

    [Fact]
    public void An_oversize_card_is_refused_before_sending()
    {
        Card huge = TestCards.Account() with { Body = [new CardText(new string('x', 40_000))] };

        var ex = Assert.Throws<CardValidationException>(() => _adapter.ToActivities(TestCards.Reply(huge), Inbound()));

        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_response_with_a_card_replaces_the_card_and_keeps_the_answer_text()
    {
        InvokeResponseBody body = _adapter.ToInvokeResponse(TestCards.Reply(TestCards.Account()));
        JsonNode json = JsonNode.Parse(JsonSerializer.Serialize(body, ActivityJson.Options))!;

        Assert.Equal(200, (int)json["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)json["type"]);
        Assert.Equal("AdaptiveCard", (string?)json["value"]!["type"]);
        Assert.Contains(json["value"]!["body"]!.AsArray(), e => (string?)e!["text"] == @"Here is \*\*Acme Corp\*\*."); // plain text, escaped
    }

    [Fact]
    public void Invoke_response_without_a_card_is_a_message()
    {
        JsonNode json = JsonNode.Parse(JsonSerializer.Serialize(_adapter.ToInvokeResponse(TurnReply.Plain("Saved.")), ActivityJson.Options))!;

        Assert.Equal("""{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Saved."}""", json.ToJsonString());
    }

    [Fact]
    public void Invoke_error_body_has_code_and_message()
    {
        string json = JsonSerializer.Serialize(BotFrameworkAdapter.InvokeError(400, "BadRequest", "Unknown verb."), ActivityJson.Options);

        Assert.Equal("""{"statusCode":400,"type":"application/vnd.microsoft.error","value":{"code":"BadRequest","message":"Unknown verb."}}""", json);
    }

    [Fact]
    public void Typing_activity_has_no_text()
    {
        Activity typing = BotFrameworkAdapter.Typing(Inbound());

        Assert.Equal("typing", typing.Type);
        Assert.Null(typing.Text);
        Assert.Equal("28:bot", typing.From!.Id);
    }
}
