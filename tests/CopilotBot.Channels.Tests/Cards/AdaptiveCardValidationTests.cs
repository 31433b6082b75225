using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Cards;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.Cards;

public sealed class AdaptiveCardValidationTests
{
    public static TheoryData<string, Card> Cards() => new()
    {
        { "account card with facts, table, subtle text and actions", TestCards.Account() },
        { "title only", new Card("Nothing to show", [], []) },
        { "text only", new Card("Help", [new CardText("Ask me about churn.", Emphasis: true)], []) },
        { "table with ragged rows", new Card("Table", [new CardTable(["A", "B", "C"], [["1", "2", "3"], ["4"]])], []) },
        { "actions without data", new Card("Confirm?", [], [new CardAction("Yes", "confirm", new Dictionary<string, string>(), "positive"), new CardAction("No", "cancel", new Dictionary<string, string>(), "destructive")]) },
        { "unicode and markup-like text", new Card("Ünïcødé <b> & ${template}", [new CardText("emoji 🚀 \"quotes\" \n newline")], []) },
    };

    [Theory]
    [MemberData(nameof(Cards))]
    public void Every_rendered_card_validates_against_the_1_5_schema(string name, Card card)
    {
        JsonObject rendered = AdaptiveCardRenderer.Render(card);

        AdaptiveCardSchema.AssertValid(rendered);
        AdaptiveCardGuard.Validate(rendered);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Invoke_response_cards_validate_too()
    {
        var body = new BotFrameworkAdapter().ToInvokeResponse(TestCards.Reply(TestCards.Account()));

        AdaptiveCardSchema.AssertValid((JsonObject)body.Value!);
    }

    [Fact]
    public void Rendered_cards_use_version_1_5_execute_with_submit_fallback()
    {
        JsonObject card = AdaptiveCardRenderer.Render(TestCards.Account());

        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);
        JsonObject actionSet = card["body"]!.AsArray().Last()!.AsObject();
        Assert.Equal("ActionSet", (string?)actionSet["type"]);
        JsonObject execute = actionSet["actions"]![0]!.AsObject();
        Assert.Equal("Action.Execute", (string?)execute["type"]);
        Assert.Equal("churn.explain", (string?)execute["verb"]);
        Assert.Equal("Action.Submit", (string?)execute["fallback"]!["type"]);
        Assert.Equal("churn.explain", (string?)execute["fallback"]!["data"]!["verb"]);
        Assert.Equal("acc-1", (string?)execute["fallback"]!["data"]!["account"]);
    }

    // The schema validator itself must catch real mistakes, or the tests above prove nothing.
    [Theory]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"FactSet","facts":[{"title":"only a title"}]}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Marquee","text":"x"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x","wrap":"yes"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.OpenUrl","title":"no url"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","unknownRootProperty":1}""")]
    public void The_schema_check_rejects_broken_cards(string json)
    {
        Assert.NotEmpty(AdaptiveCardSchema.Validate(JsonNode.Parse(json)!.AsObject()));
    }

    [Theory]
    [InlineData("""{"type":"AdaptiveCard","body":[]}""", "version")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"FactSet","facts":[]}]}""", "at least one fact")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","label":"Note"}]}""", "needs an 'id'")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","id":"n"},{"type":"Input.Date","id":"n"}]}""", "duplicate id 'n'")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.OpenUrl","url":"javascript:alert(1)"}]}""", "absolute http(s)")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.OpenUrl","url":"/relative"}]}""", "absolute http(s)")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"ActionSet","actions":[{"type":"Action.Execute","title":"x"}]}]}""", "needs a 'verb'")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Table","columns":[{"width":1}],"rows":[{"type":"TableRow","cells":[{"type":"TableCell","items":[]},{"type":"TableCell","items":[]}]}]}]}""", "2 cells for 1 columns")]
    public void The_guard_enforces_the_builder_rules(string json, string problem)
    {
        var ex = Assert.Throws<CardValidationException>(() => AdaptiveCardGuard.Validate(JsonNode.Parse(json)!.AsObject()));

        Assert.Contains(ex.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_guard_refuses_unknown_verbs_when_given_the_handled_set()
    {
        JsonObject card = AdaptiveCardRenderer.Render(TestCards.Account());

        AdaptiveCardGuard.Validate(card, knownVerbs: new HashSet<string> { "churn.explain", "intervention.draft", "cancel" });
        var ex = Assert.Throws<CardValidationException>(() => AdaptiveCardGuard.Validate(card, knownVerbs: new HashSet<string> { "churn.explain" }));

        Assert.Contains(ex.Problems, p => p.Contains("'intervention.draft' is not one the bot handles", StringComparison.Ordinal));
    }

    [Fact]
    public void The_guard_refuses_oversize_cards()
    {
        JsonObject card = AdaptiveCardRenderer.Render(new Card("Big", [new CardText(new string('x', 30_000))], []));

        var ex = Assert.Throws<CardValidationException>(() => AdaptiveCardGuard.Validate(card));

        Assert.Contains(ex.Problems, p => p.Contains("28672-byte limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_columns_are_as_wide_as_their_longest_word_so_no_word_breaks_mid_word()
    {
        var table = new CardTable(
            ["Feature", "Accounts", "Effect", "Where it lowers risk"],
            [["industry", "45% of accounts", "odds ×0.70", "Telecommunications industry"], ["ARR", "47% of accounts", "odds ×0.75", "ARR $59k"]]);

        JsonArray columns = AdaptiveCardRenderer.Render(new Card("Cohorts", [table], []))["body"]!.AsArray()
            .Single(e => (string?)e!["type"] == "Table")!["columns"]!.AsArray();
        int[] widths = [.. columns.Select(c => (int)c!["width"]!)];

        // Each column gets at least its longest word; the wordy last column gets the most, and none gets squeezed away.
        Assert.Equal(4, widths.Length);
        Assert.True(widths[3] >= "Telecommunications".Length, string.Join(",", widths));
        Assert.True(widths[3] > widths[2] && widths[0] >= "industry".Length && widths[1] >= "accounts".Length, string.Join(",", widths));
        Assert.All(widths, w => Assert.InRange(w, 3, 24));
    }
}
