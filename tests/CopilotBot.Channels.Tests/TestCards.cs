using System.Globalization;
using CopilotBot.Charts;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests;

/// <summary>Cards shaped like the agent's: facts, a table, text, and actions with data.</summary>
public static class TestCards
{
    public static Card Account(string id = "acc-1") => new(
        "Acme Corp: churn risk 72%",
        [
            new CardText("Usage dropped 40% over 30 days & two P1 tickets are open <urgent>."),
            new CardFacts([("ARR", "$120,000"), ("Renewal", "2025-03-01"), ("Owner", "Mei Lin")]),
            new CardTable(["Driver", "Impact"], [["Logins", "+0.21"], ["Tickets", "+0.12"]]),
            new CardText("Demo data", Subtle: true),
        ],
        [
            new CardAction("Explain", "churn.explain", new Dictionary<string, string> { ["account"] = id }),
            new CardAction("Draft outreach", "intervention.draft", new Dictionary<string, string> { ["account"] = id }, "positive"),
            new CardAction("Cancel", "cancel", new Dictionary<string, string>(), "destructive"),
        ])
    { FallbackText = "Acme Corp churn risk" };

    /// <summary>
    /// Shaped like support.trends by day over six weeks: the conversations chart, then a table of six columns and a row a
    /// day, which alone takes most of Teams' 28 KB, so the chart's inline image does not fit beside it.
    /// </summary>
    public static Card SupportTrendsDaily(int days = 42) => SupportTrends(Enumerable.Range(0, days).Select(i => new DateOnly(2026, 10, 11).AddDays(i)).ToList());

    private static Card SupportTrends(List<DateOnly> days)
    {
        var counts = days.Select((_, i) => 40 + (int)(14 * Math.Sin(i * 0.7))).ToList();
        var negative = days.Select((_, i) => 9 + (int)(4 * Math.Sin((i * 0.7) + 3))).ToList();
        var chart = new CardChart(
            new ChartSpec(
                ChartKind.Line,
                "Support conversations by day",
                days.Select(d => d.ToString("MMM d", CultureInfo.InvariantCulture)).ToList(),
                [new ChartSeries("Conversations", counts.Select(c => (double)c).ToList()), new ChartSeries("Negative", negative.Select(n => (double)n).ToList())]),
            $"Line chart of support conversations and negative conversations per day from {days[0]:yyyy-MM-dd} to {days[^1]:yyyy-MM-dd}: busiest day {days[2]:yyyy-MM-dd} with 53.");
        var rows = days.Select((d, i) => (IReadOnlyList<string>)
            [d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), counts[i].ToString(CultureInfo.InvariantCulture), negative[i].ToString(CultureInfo.InvariantCulture), $"{100 * negative[i] / counts[i]}%", "billing dispute", i % 9 == 4 ? "▲ spike" : string.Empty]).ToList();
        return new Card("Support trends (daily)", [chart, new CardTable(["Day", "Conversations", "Negative", "Negative %", "Top topic", ""], rows)], []);
    }

    /// <summary>An edit form like the agent's (Edit on a draft): prefilled fields holding customer-like markup, Send and Cancel.</summary>
    public static Card Form(string id = "acc-1") => new(
        "Edit draft email to Acme Corp",
        [
            new CardText("Change the text, then press Send.", Subtle: true),
            new CardInput("subject", "Subject", "Checking in, Acme <Corp>", MaxLength: 200) { Required = true },
            new CardInput("body", "Message", "Hi *team*,\n\nSee [the plan](http://evil.example) & <b>reply</b>.", Multiline: true) { Required = true },
        ],
        [
            new CardAction("Send", "interventions.send_draft", new Dictionary<string, string> { ["account"] = id, ["channel"] = "email", ["draft"] = "I0123456789" }, "positive"),
            new CardAction("Cancel", "cancel", new Dictionary<string, string>(), "destructive") { SendsInputs = false },
        ])
    { FallbackText = "Edit draft email to Acme Corp" };

    public static TurnReply Reply(params Card[] cards) =>
        new("Here is **Acme Corp**.", "churn.explain", new Dictionary<string, object?>(), cards, [], 0.9);
}
