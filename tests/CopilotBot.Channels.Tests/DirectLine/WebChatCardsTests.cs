using System.Text.Json.Nodes;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.DirectLine;

public sealed class WebChatCardsTests
{
    private static IEnumerable<JsonObject> Actions(JsonNode card) =>
        ((JsonArray)card["body"]!).OfType<JsonObject>().Where(e => (string?)e["type"] == "ActionSet").SelectMany(s => ((JsonArray)s["actions"]!).OfType<JsonObject>());

    [Fact]
    public void ForWebChat_TurnsEveryExecuteIntoItsSubmitFallback_StampedWithTheCard()
    {
        JsonObject rendered = AdaptiveCardRenderer.Render(TestCards.Account("acc-9"));

        JsonNode card = WebChatCards.ForWebChat(rendered, "conv|0000004", 2)!;

        Assert.DoesNotContain("Action.Execute", card.ToJsonString(), StringComparison.Ordinal);
        List<JsonObject> actions = Actions(card).ToList();
        Assert.Equal(["Action.Submit"], actions.Select(a => (string?)a["type"]).Distinct());
        Assert.Equal(["Explain", "Draft outreach", "Cancel"], actions.Select(a => (string?)a["title"]));
        Assert.Equal(["default", "positive", "destructive"], actions.Select(a => (string?)a["style"]));
        JsonObject explain = (JsonObject)actions[0]["data"]!;
        Assert.Equal(("churn.explain", "acc-9", "conv|0000004#2"), ((string?)explain["verb"], (string?)explain["account"], (string?)explain[WebChatCards.CardKey]));
        Assert.Contains("Action.Execute", rendered.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ForWebChat_BuildsASubmit_WhenAnExecuteHasNoFallback_AndReachesNestedCards()
    {
        JsonNode card = JsonNode.Parse("""
            {"type":"AdaptiveCard","version":"1.5","body":[],"actions":[
              {"type":"Action.ShowCard","title":"More","card":{"type":"AdaptiveCard","body":[],"actions":[
                {"type":"Action.Execute","title":"Go","verb":"go","data":{"x":"1"}},
                {"type":"Action.Submit","title":"Plain"},
                {"type":"Action.Submit","title":"Text","data":"imBack text"}]}}]}
            """)!;

        JsonNode result = WebChatCards.ForWebChat(card, "c|1", 0)!;
        var nested = (JsonArray)result["actions"]![0]!["card"]!["actions"]!;

        Assert.Equal("Action.Submit", (string?)nested[0]!["type"]);
        Assert.Equal(("go", "1", "c|1#0"), ((string?)nested[0]!["data"]!["verb"], (string?)nested[0]!["data"]!["x"], (string?)nested[0]!["data"]![WebChatCards.CardKey]));
        Assert.Equal("c|1#0", (string?)nested[1]!["data"]![WebChatCards.CardKey]);
        Assert.Equal("imBack text", (string?)nested[2]!["data"]);
    }

    [Theory]
    [InlineData("conv|0000004#1", "conv|0000004", 1)]
    [InlineData("#1", null, 0)]
    [InlineData("conv|0000004#x", null, 0)]
    [InlineData("conv|0000004", null, 0)]
    public void Unstamp_TakesTheStampOff_AndReadsItWhenWellFormed(string stamp, string? activityId, int index)
    {
        var value = new JsonObject { ["verb"] = "approve", ["request"] = "R1", [WebChatCards.CardKey] = stamp };

        (CardLocation? card, JsonObject clean) = WebChatCards.Unstamp(value);

        Assert.Equal(activityId is null ? null : new CardLocation(activityId, index), card);
        Assert.Equal("{\"verb\":\"approve\",\"request\":\"R1\"}", clean.ToJsonString());
        Assert.True(value.ContainsKey(WebChatCards.CardKey));
    }
}
