using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Slack;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.Security;

/// <summary>
/// Issue #17 item 4: text from customers, imports and models (ticket text, account names, model output) reaches every
/// channel as plain text. A markdown link, an HTML image or a Slack link in it must not become a live link or an image
/// fetch; the only images are the product's own charts.
/// </summary>
public sealed partial class UntrustedTextTests
{
    private const string Phish = "[Verify your account](http://evil.example/phish) <img src=\"http://evil.example/pixel.png\"> ![x](http://evil.example/i.png) <http://evil.example/auto> <https://evil.example|click>";

    private static Card Hostile() => new(
        "Acme " + Phish,
        [
            new CardText("Ticket: " + Phish),
            new CardText(Phish, Subtle: true),
            new CardText(Phish, Emphasis: true),
            new CardFacts([("Account " + Phish, "Name " + Phish)]),
            new CardTable(["Account", Phish], [[Phish, "x"]]),
        ],
        [new CardAction("Explain " + Phish, "churn.explain", new Dictionary<string, string> { ["account"] = "P10001" })]);

    [Fact]
    public void AdaptiveCardRenderer_EscapesMarkdownAndHtml_InEveryTextBlock()
    {
        JsonObject card = AdaptiveCardRenderer.Render(Hostile());

        List<string> texts = TextBlocks(card).ToList();
        Assert.True(texts.Count >= 7, $"only {texts.Count} text blocks");
        foreach (string text in texts)
        {
            AssertInert(text);
        }

        Assert.True(texts.Count(t => t.Contains("evil.example", StringComparison.Ordinal)) >= 7, "the untrusted words are still shown, as text");

        Assert.DoesNotContain(Descendants(card), n => (string?)n["type"] == "Image");
        Assert.DoesNotContain(Descendants(card), n => (string?)n["type"] == "Action.OpenUrl");
    }

    [Fact]
    public void BotFrameworkReply_IsPlainText_SoModelOutputIsNotRenderedAsMarkdown()
    {
        var adapter = new BotFrameworkAdapter(new BotOptions());
        var inbound = new Activity
        {
            Type = "message", Id = "a1", ChannelId = "msteams", ServiceUrl = "http://127.0.0.1:9/",
            From = new ChannelAccount("29:u"), Recipient = new ChannelAccount("28:bot"), Conversation = new ConversationAccount("c1"),
        };

        Activity reply = Assert.Single(adapter.ToActivities(new TurnReply("Model says " + Phish, "help", new Dictionary<string, object?>(), [], [], 1), inbound));

        Assert.Equal("plain", reply.TextFormat);
    }

    [Fact]
    public void SlackReply_NeverTurnsUntrustedTextIntoLinks()
    {
        (string text, JsonArray blocks) = BlockKitRenderer.RenderReply(new TurnReply("Model says " + Phish, "help", new Dictionary<string, object?>(), [Hostile()], [], 1));

        foreach (string mrkdwn in Descendants(blocks).Where(n => (string?)n["type"] == "mrkdwn").Select(n => (string)n["text"]!).Append(text))
        {
            // Slack links are <url> and <url|label>; '<' only ever reaches Slack escaped as &lt;.
            Assert.DoesNotContain("<", mrkdwn, StringComparison.Ordinal);
            Assert.DoesNotContain("|click>", mrkdwn, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Descendants(blocks), n => (string?)n["type"] == "image");
    }

    /// <summary>
    /// Inert: no markdown link or image syntax, no raw HTML tag, no autolink, and no scheme URL a client would linkify.
    /// A backslash before a character is CommonMark's escape: it shows the character and removes its meaning.
    /// </summary>
    private static void AssertInert(string text)
    {
        Assert.False(LiveLink().IsMatch(text), $"live markdown link in: {text}");
        Assert.False(RawTag().IsMatch(text), $"raw HTML or autolink in: {text}");
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
    }

    // Everything an Adaptive Card client renders as markdown: TextBlock texts and FactSet titles and values.
    private static IEnumerable<string> TextBlocks(JsonNode node) =>
        Descendants(node).Where(n => (string?)n["type"] == "TextBlock").Select(n => (string)n["text"]!)
            .Concat(Descendants(node).Where(n => (string?)n["type"] == "FactSet").SelectMany(n => n["facts"]!.AsArray())
                .SelectMany(f => new[] { (string)f!["title"]!, (string)f["value"]! }));

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach ((_, JsonNode? child) in obj)
            {
                foreach (JsonObject inner in Descendants(child))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? child in array)
            {
                foreach (JsonObject inner in Descendants(child))
                {
                    yield return inner;
                }
            }
        }
    }

    // '[' not preceded by a backslash, later ']' not preceded by one, directly followed by '('.
    [GeneratedRegex(@"(?<!\\)\[[^\]]*(?<!\\)\]\(")]
    private static partial Regex LiveLink();

    [GeneratedRegex(@"(?<!\\)<[A-Za-z/!?]")]
    private static partial Regex RawTag();
}
