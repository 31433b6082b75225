using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Conversation.Cards;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>Cards as Web Chat gets them (Submit-only, stamped) and what a click does: replace the card in place or answer below.</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineCardTests
{
    private static async Task<(DirectLineTestHost Host, string ConversationId, string Token, JsonObject CardMessage)> CardAsync(string ask)
    {
        DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message(ask));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));
        return (host, conversationId, token, DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == id));
    }

    private static JsonObject Action(JsonObject message, int attachment, string title) =>
        ((JsonArray)((JsonArray)message["attachments"]![attachment]!["content"]!["body"]!).OfType<JsonObject>().Single(e => (string?)e["type"] == "ActionSet")["actions"]!)
        .OfType<JsonObject>().Single(a => (string?)a["title"] == title);

    private static string? CardTitle(JsonNode? attachment) => (string?)attachment?["content"]?["body"]?[0]?["text"];

    [Fact]
    public async Task DailySupportTrends_ReachWebChat_WithTheChartServedByTheHost_WhenItCannotGoInline()
    {
        Card expected = TestCards.SupportTrendsDaily();
        CardChart chart = expected.Body.OfType<CardChart>().Single();
        Assert.True(Encoding.UTF8.GetByteCount(AdaptiveCardRenderer.Render(expected).ToJsonString()) > AdaptiveCardGuard.DefaultMaxCardBytes, "inline, the chart would pass the card limit");

        (DirectLineTestHost host, _, _, JsonObject message) = await CardAsync("trends");
        await using (host)
        {
            JsonObject card = message["attachments"]![0]!["content"]!.AsObject();
            JsonObject image = card["body"]!.AsArray().OfType<JsonObject>().Single(e => (string?)e["type"] == "Image");
            string url = (string)image["url"]!;

            // At the address the page reached the host by, named by the PNG's hash, and kept by the host's chart route.
            Assert.Equal($"{host.BaseUrl}/charts/{chart.Hash}.png", url);
            Assert.Equal(chart.AltText, (string?)image["altText"]);
            Assert.True(host.Services.GetRequiredService<ChartImageCache>().TryGet(chart.Hash + ".png", out byte[] served));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(served)), chart.Hash);
            Assert.Equal(expected.Body.OfType<CardTable>().Single().Rows.Count, card["body"]!.AsArray().OfType<JsonObject>().Single(e => (string?)e["type"] == "Table")["rows"]!.AsArray().Count - 1);
            AdaptiveCardGuard.Validate(card);
        }
    }

    [Fact]
    public async Task CardActions_AreSubmitActionsStampedWithTheirCard_ForWebChat()
    {
        (DirectLineTestHost host, _, _, JsonObject message) = await CardAsync("card");
        await using (host)
        {
            JsonObject approve = Action(message, 0, "Approve");

            Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)message["attachments"]![0]!["contentType"]);
            Assert.DoesNotContain("Action.Execute", message.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal("Action.Submit", (string?)approve["type"]);
            Assert.Equal("positive", (string?)approve["style"]);
            Assert.Equal("approve", (string?)approve["data"]!["verb"]);
            Assert.Equal("R1", (string?)approve["data"]!["request"]);
            Assert.Equal((string?)message["id"] + "#0", (string?)approve["data"]![WebChatCards.CardKey]);
        }
    }

    [Fact]
    public async Task CardClick_ReplacesTheClickedCardInPlace_WhenTheReplyUpdatesIt()
    {
        (DirectLineTestHost host, string conversationId, string token, JsonObject message) = await CardAsync("card");
        await using (host)
        {
            string cardId = (string)message["id"]!;
            (_, string? before) = await host.PollAsync(conversationId, token);

            string click = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack((JsonObject)Action(message, 0, "Approve")["data"]!));
            JsonArray history = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == cardId && CardTitle(x["attachments"]?[0])?.StartsWith("✅", StringComparison.Ordinal) == true));
            (JsonArray since, _) = await host.PollAsync(conversationId, token, before);

            JsonObject replaced = history.OfType<JsonObject>().Single(x => (string?)x["id"] == cardId);
            Assert.Equal("✅ Approved: R1", CardTitle(replaced["attachments"]![0]));
            Assert.Equal("Approved R1.", (string?)replaced["attachments"]![0]!["content"]!["body"]![1]!["text"]);
            Assert.Null(replaced["text"]);
            Assert.Equal((string?)message["timestamp"], (string?)replaced["timestamp"]);
            Assert.Equal((string?)message["replyToId"], (string?)replaced["replyToId"]);
            Assert.Contains(since.OfType<JsonObject>(), x => (string?)x["id"] == cardId);
            Assert.DoesNotContain(DirectLineTestHost.FromBot(history), m => (string?)m["replyToId"] == click);
            JsonObject value = host.Agent.LastValue!;
            Assert.Equal(("approve", "R1"), ((string?)value["verb"], (string?)value["request"]));
            Assert.False(value.ContainsKey(WebChatCards.CardKey));
        }
    }

    [Fact]
    public async Task CardClick_AnswersAsANewMessage_WhenTheReplyIsANewAnswer()
    {
        (DirectLineTestHost host, string conversationId, string token, JsonObject message) = await CardAsync("card");
        await using (host)
        {
            string click = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack((JsonObject)Action(message, 0, "Explain")["data"]!));
            JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == click));

            JsonObject answer = DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == click);
            Assert.Equal("Why R1", CardTitle(answer["attachments"]![0]));
            JsonObject original = history.OfType<JsonObject>().Single(x => (string?)x["id"] == (string?)message["id"]);
            Assert.Equal("Approval needed: R1", CardTitle(original["attachments"]![0]));
            Assert.True((bool)history.OfType<JsonObject>().Single(x => (string?)x["id"] == click)["channelData"]!["postBack"]!);
        }
    }

    [Fact]
    public async Task CardClick_ReplacesOnlyTheClickedCard_WhenTheMessageHoldsSeveral()
    {
        (DirectLineTestHost host, string conversationId, string token, JsonObject message) = await CardAsync("cards");
        await using (host)
        {
            string cardId = (string)message["id"]!;
            JsonObject approveSecond = (JsonObject)Action(message, 1, "Approve")["data"]!;

            await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack(approveSecond));
            JsonArray history = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == cardId && CardTitle(x["attachments"]?[1])?.StartsWith("✅", StringComparison.Ordinal) == true));

            JsonObject replaced = history.OfType<JsonObject>().Single(x => (string?)x["id"] == cardId);
            Assert.Equal(cardId + "#1", (string?)approveSecond[WebChatCards.CardKey]);
            Assert.Equal("Two requests are waiting.", (string?)replaced["text"]);
            Assert.Equal("Approval needed: R1", CardTitle(replaced["attachments"]![0]));
            Assert.Equal("✅ Approved: R2", CardTitle(replaced["attachments"]![1]));
        }
    }

    [Fact]
    public async Task CardClick_AnswersAsANewMessage_WhenTheStampPointsAtSomethingThatIsNotTheBotsCard()
    {
        (DirectLineTestHost host, string conversationId, string token, JsonObject message) = await CardAsync("card");
        await using (host)
        {
            JsonObject forged = (JsonObject)Action(message, 0, "Approve")["data"]!.DeepClone();
            forged[WebChatCards.CardKey] = (string?)message["replyToId"] + "#0";

            string click = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack(forged));
            JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == click));

            Assert.Equal("✅ Approved: R1", CardTitle(DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == click)["attachments"]![0]));
            Assert.Equal("card", (string?)history.OfType<JsonObject>().Single(x => (string?)x["id"] == (string?)message["replyToId"])["text"]);
            Assert.Equal("Approval needed: R1", CardTitle(history.OfType<JsonObject>().Single(x => (string?)x["id"] == (string?)message["id"])["attachments"]![0]));
        }
    }
}
