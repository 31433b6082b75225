using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Conversation;

/// <summary>
/// What the bot can do, in the words a CSM would use; shown for "help", the welcome and out-of-scope questions. The
/// examples that name an account name accounts from the asker's own book (so "draft a save email to …" never answers
/// "You don't have access"), or none when the book is empty.
/// </summary>
public static class HelpText
{
    public static readonly (string Area, string Example)[] Examples =
    [
        ("Churn risk", "which Platinum accounts are most likely to churn?"),
        ("Why an account is at risk", "why is {0} red?"),
        ("Support conversations", "what are customers complaining about in billing tickets this month?"),
        ("Sentiment and topic trends", "show support sentiment trends for the last 30 days"),
        ("Retention drafts", "draft a save email to {1}"),
        ("Intervention outcomes", "what's our save rate this quarter?"),
        ("CRM tasks", "remind me to call {2} next Friday"),
        ("Accounts", "how many accounts do we have? or: which accounts churned last quarter?"),
        ("Portfolio", "how much ARR is at risk in EMEA?"),
        ("Forecast", "forecast churned ARR for the next 90 days"),
        ("Cohorts and retention", "churn by signup cohort, or: does feature adoption predict retention?"),
        ("Approvals", "show me the approval queue"),
        ("Adoption", "what should {0} adopt next? or: what do healthcare customers adopt after SSO?"),
        ("Expansion", "who is ready for an upsell?"),
        ("Account plans", "give me a plan for {1}"),
    ];

    /// <summary>Up to three active accounts the caller may see, largest first (deterministic), for the examples.</summary>
    public static IReadOnlyList<Account> BookOf(IEnumerable<Account> accounts, AccessScope scope) =>
        [.. accounts.Where(a => a.Status == AccountStatus.Active && scope.Allows(a))
            .OrderByDescending(a => a.Arr).ThenBy(a => a.Id, StringComparer.Ordinal).Take(3)];

    /// <summary>The examples filled with the book's accounts; examples that need an account are left out when it has none.</summary>
    public static IReadOnlyList<(string Area, string Example)> For(IReadOnlyList<Account> book) =>
        [.. Examples.Select(e => (e.Area, Example: Fill(e.Example, book))).Where(e => e.Example is not null).Select(e => (e.Area, e.Example!))];

    public static string Text(bool demo, IReadOnlyList<Account>? book = null) =>
        "I'm CopilotBot, your customer-success copilot. I can help with churn risk, support conversations, " +
        "retention emails, CRM tasks, portfolio questions, adoption, expansion and account plans. Try: " +
        string.Join("; ", For(book ?? []).Take(4).Select(e => "\"" + e.Example + "\"")) + "." +
        (demo ? " (Working on demo data.)" : string.Empty);

    public static Card Card(bool demo, IReadOnlyList<Account>? book = null)
    {
        var body = new List<CardElement>
        {
            new CardText("Ask me in plain words. For example:"),
            new CardTable(["What", "Try"], For(book ?? []).Select(e => (IReadOnlyList<string>)[e.Area, e.Example]).ToList()),
        };
        body.Add(new CardText("Colours: 🔴 red = likely to churn within ~7 days, 🟠 orange ~30 days, 🟡 yellow ~90 days, 🟢 green = low risk.", Subtle: true));
        if (demo)
        {
            body.Add(new CardText("Demo data: this workspace holds a generated demo portfolio, not real customers.", Subtle: true));
        }

        return new Card("What I can do", body, []) { FallbackText = Text(demo, book) };
    }

    private static string? Fill(string example, IReadOnlyList<Account> book)
    {
        for (int i = 0; i < 3; i++)
        {
            string placeholder = "{" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
            if (example.Contains(placeholder, StringComparison.Ordinal))
            {
                if (book.Count == 0)
                {
                    return null;
                }

                example = example.Replace(placeholder, book[i % book.Count].Name, StringComparison.Ordinal);
            }
        }

        return example;
    }
}
