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
