using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class MentionStripperTests
{
    private static Activity Message(string text, params JsonObject[] entities) => new()
    {
        Type = "message",
        Text = text,
        Recipient = new ChannelAccount("28:bot-app-id", "CopilotBot"),
        Conversation = new ConversationAccount("19:abc@thread.tacv2;messageid=42") { ConversationType = "channel" },
        Entities = entities,
    };

    private static JsonObject Mention(string id, string name, string text) => new()
    {
        ["type"] = "mention",
        ["mentioned"] = new JsonObject { ["id"] = id, ["name"] = name },
        ["text"] = text,
    };

    [Fact]
    public void Strips_the_bots_mention_using_the_entity_text()
    {
        Activity activity = Message("<at>CopilotBot</at> which accounts are at risk?", Mention("28:bot-app-id", "CopilotBot", "<at>CopilotBot</at>"));

        Assert.Equal("which accounts are at risk?", MentionStripper.Strip(activity));
    }

    [Fact]
    public void Strips_a_mention_whose_name_differs_from_the_recipient_name()
    {
        Activity activity = Message("<at>Copilot Bot (preview)</at>&nbsp;help", Mention("28:bot-app-id", "Copilot Bot (preview)", "<at>Copilot Bot (preview)</at>"));

        Assert.Equal("help", MentionStripper.Strip(activity));
    }

    [Fact]
    public void Keeps_other_peoples_mentions_as_plain_names()
    {
        Activity activity = Message(
            "<at>CopilotBot</at> how is <at>Ada Lovelace</at>'s portfolio?",
            Mention("28:bot-app-id", "CopilotBot", "<at>CopilotBot</at>"),
            Mention("29:ada", "Ada Lovelace", "<at>Ada Lovelace</at>"));

        Assert.Equal("how is Ada Lovelace's portfolio?", MentionStripper.Strip(activity));
    }

    [Fact]
    public void Strips_the_bot_by_name_when_entities_are_missing()
    {
        Assert.Equal("status", MentionStripper.Strip(Message("<at>CopilotBot</at> status")));
    }

    [Fact]
    public void Leaves_personal_chat_text_alone()
    {
        Assert.Equal("a < b & c", MentionStripper.Strip(Message("  a &lt; b &amp; c ")));
    }
}
