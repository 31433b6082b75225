using CopilotBot.Conversation.Cards;

namespace CopilotBot.Conversation;

/// <summary>What the bot can do, in the words a CSM would use; shown for "help" and for out-of-scope questions.</summary>
public static class HelpText
{
    public static readonly (string Area, string Example)[] Examples =
    [
        ("Churn risk", "which Platinum accounts are most likely to churn?"),
        ("Why an account is at risk", "why is Contoso Ltd red?"),
        ("Support conversations", "what are customers complaining about in billing tickets this month?"),
        ("Sentiment and topic trends", "show support sentiment trends for the last 30 days"),
        ("Retention drafts", "draft a save email to P10342"),
        ("Intervention outcomes", "what's our save rate this quarter?"),
        ("CRM tasks", "remind me to call Acme Corp next Friday"),
        ("Portfolio", "how much ARR is at risk in EMEA?"),
        ("Forecast", "forecast churned ARR for the next 90 days"),
        ("Cohorts and retention", "churn by signup cohort, or: does feature adoption predict retention?"),
        ("Approvals", "show me the approval queue"),
    ];

    public static string Text(bool demo) =>
        "I'm CopilotBot, your customer-success copilot. I can help with churn risk, support conversations, " +
        "retention emails, CRM tasks and portfolio questions. Try: " +
        string.Join("; ", Examples.Take(4).Select(e => "\"" + e.Example + "\"")) + "." +
        (demo ? " (Working on demo data.)" : string.Empty);

    public static Card Card(bool demo)
    {
        var body = new List<CardElement>
        {
            new CardText("Ask me in plain words. For example:"),
            new CardTable(["What", "Try"], Examples.Select(e => (IReadOnlyList<string>)[e.Area, e.Example]).ToList()),
        };
        if (demo)
        {
            body.Add(new CardText("Demo data: this workspace holds a generated demo portfolio, not real customers.", Subtle: true));
        }

        return new Card("What I can do", body, []) { FallbackText = Text(demo) };
    }
}
