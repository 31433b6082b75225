using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Slack;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.Slack;

public sealed class BlockKitRendererTests
{
    [Fact]
    public void A_card_renders_header_section_fields_table_context_and_buttons()
    {
        JsonArray blocks = BlockKitRenderer.Render(TestCards.Account());
        string[] types = blocks.Select(b => (string)b!["type"]!).ToArray();

        Assert.Equal(["header", "section", "section", "section", "context", "actions"], types);
        Assert.Equal("plain_text", (string?)blocks[0]!["text"]!["type"]);
        Assert.Equal("Usage dropped 40% over 30 days &amp; two P1 tickets are open &lt;urgent&gt;.", (string?)blocks[1]!["text"]!["text"]);
        Assert.Equal("*ARR*\n$120,000", (string?)blocks[2]!["fields"]![0]!["text"]);
        Assert.StartsWith("```", (string?)blocks[3]!["text"]!["text"], StringComparison.Ordinal);
        Assert.Contains("Logins", (string?)blocks[3]!["text"]!["text"], StringComparison.Ordinal);
        Assert.Equal("Demo data", (string?)blocks[4]!["elements"]![0]!["text"]);
    }

    [Fact]
    public void Buttons_carry_verb_and_data_as_json_with_unique_action_ids_and_slack_styles()
    {
        var card = new Card("Accounts", [], [
            new CardAction("Explain Acme", "churn.explain", new Dictionary<string, string> { ["account"] = "acc-1" }),
            new CardAction("Explain Globex", "churn.explain", new Dictionary<string, string> { ["account"] = "acc-2" }, "positive"),
            new CardAction("Drop", "cancel", new Dictionary<string, string>(), "destructive"),
        ]);

        JsonArray buttons = BlockKitRenderer.Render(card)[1]!["elements"]!.AsArray();

        Assert.Equal(["churn.explain", "churn.explain#2", "cancel"], buttons.Select(b => (string)b!["action_id"]!));
        Assert.Equal("""{"verb":"churn.explain","account":"acc-2"}""", (string?)buttons[1]!["value"]);
        Assert.Null(buttons[0]!["style"]);
        Assert.Equal("primary", (string?)buttons[1]!["style"]);
        Assert.Equal("danger", (string?)buttons[2]!["style"]);
    }

    [Fact]
    public void A_rendered_button_round_trips_through_interactivity_as_the_same_turn_value()
    {
        JsonObject button = BlockKitRenderer.Render(TestCards.Account())[^1]!["elements"]![1]!.AsObject();
        JsonObject payload = SlackParsingTests.BlockActions((string)button["value"]!, (string)button["action_id"]!);
        SlackInteraction interaction = SlackInteractivityParser.Parse(SlackParsingTests.InteractionForm(payload));

        TurnRequest turn = SlackInteractivityParser.ToTurn(interaction, interaction.Actions[0])!;

        Assert.Equal("""{"verb":"intervention.draft","account":"acc-1"}""", turn.Value!.ToJsonString());
    }

    [Fact]
    public void Text_limits_are_applied()
    {
        var card = new Card(new string('T', 400), [new CardText(new string('a', 7000)), new CardFacts([("Title", new string('v', 5000))])], [
            new CardAction(new string('B', 200), "verb", new Dictionary<string, string>()),
        ]);

        JsonArray blocks = BlockKitRenderer.Render(card);

        Assert.Equal(150, ((string)blocks[0]!["text"]!["text"]!).Length);
        Assert.All(blocks.Where(b => (string?)b!["type"] == "section" && b["text"] is not null), b => Assert.True(((string)b!["text"]!["text"]!).Length <= 3000));
        Assert.Equal(3, blocks.Count(b => (string?)b!["type"] == "section" && b["text"] is not null));
        Assert.True(((string)blocks.Single(b => b!["fields"] is not null)!["fields"]![0]!["text"]!).Length <= 2000);
        Assert.Equal(75, ((string)blocks[^1]!["elements"]![0]!["text"]!["text"]!).Length);
    }

    [Fact]
    public void Many_facts_are_split_into_sections_of_ten_fields()
    {
        var facts = Enumerable.Range(1, 23).Select(i => ($"F{i}", $"{i}")).ToList();

        JsonArray blocks = BlockKitRenderer.Render(new Card("Facts", [new CardFacts(facts)], []));

        Assert.Equal([10, 10, 3], blocks.Skip(1).Select(b => b!["fields"]!.AsArray().Count));
    }

    [Fact]
    public void A_long_table_is_cut_to_fit_one_section()
    {
        var rows = Enumerable.Range(1, 500).Select(i => (IReadOnlyList<string>)[$"Account {i}", $"{i}%"]).ToList();

        string text = (string)BlockKitRenderer.Render(new Card("Table", [new CardTable(["Account", "Risk"], rows)], []))[1]!["text"]!["text"]!;

        Assert.True(text.Length <= 3000);
        Assert.Contains("more row(s)", text, StringComparison.Ordinal);
        Assert.EndsWith("```", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversize_button_value_is_refused_when_building()
    {
        var card = new Card("Big", [], [new CardAction("Go", "verb", new Dictionary<string, string> { ["blob"] = new string('x', 2100) })]);

        Assert.Throws<CardValidationException>(() => BlockKitRenderer.Render(card));
    }

    [Fact]
    public void A_reply_renders_text_then_cards_with_a_fallback_text_and_at_most_50_blocks()
    {
        TurnReply reply = TestCards.Reply(Enumerable.Range(0, 12).Select(i => TestCards.Account($"acc-{i}")).ToArray());

        (string text, JsonArray blocks) = BlockKitRenderer.RenderReply(reply);

        Assert.Equal("Here is **Acme Corp**.", text);
        Assert.Equal("Here is **Acme Corp**.", (string?)blocks[0]!["text"]!["text"]); // plain text: not turned into Slack bold
        Assert.Equal(50, blocks.Count);
        Assert.Contains("more block(s)", (string?)blocks[^1]!["elements"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_links_stay_text_and_slack_control_characters_are_escaped()
    {
        Assert.Equal("see [the docs](https://example.com/x) &amp; &lt;https://evil.example|this&gt;", BlockKitRenderer.ToMrkdwn("see [the docs](https://example.com/x) & <https://evil.example|this>"));
    }

    [Fact]
    public void Long_text_splits_at_paragraphs()
    {
        string text = string.Join("\n\n", Enumerable.Range(0, 10).Select(i => new string((char)('a' + i), 900)));

        List<string> chunks = BlockKitRenderer.Chunks(text, 3000).ToList();

        Assert.All(chunks, c => Assert.True(c.Length <= 3000));
        Assert.Equal(text.Replace("\n", string.Empty, StringComparison.Ordinal), string.Concat(chunks).Replace("\n", string.Empty, StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.False(c.StartsWith('\n')));
    }
}
