using System.Globalization;
using CopilotBot.Conversation.Cards;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Alerts;

/// <summary>How alerts look: one card per alert with what to do next, and the daily digest as a table.</summary>
public static class AlertCards
{
    public const string DismissVerb = "alerts.dismiss";

    public static Card Alert(Alert alert, Account account, double? risk)
    {
        var account_ = new Dictionary<string, string> { ["account"] = account.Id };
        return new Card(
            $"{Icon(alert.Priority)} {account.Name}: {AlertTriggers.Label(alert.Trigger)}",
            [
                new CardText(alert.Summary),
                new CardFacts([
                    ("Account", $"{account.Name} ({account.Id})"), ("Tier", account.Tier.ToString()), ("ARR", Format.Money(account.Arr)),
                    ("Churn risk", risk is { } r ? Format.Risk(r) : "—"),
                    ("Renewal", account.RenewalDate is { } d ? Format.Iso(d) : "—"),
                ]),
            ],
            AlertTriggers.IsGrowth(alert.Trigger)
                ?
                [
                    new CardAction(alert.Trigger == AlertTriggers.NextStep ? "Next steps" : "Who else is ready", alert.Trigger == AlertTriggers.NextStep ? "adoption.next_steps" : "expansion.opportunities",
                        alert.Trigger == AlertTriggers.NextStep ? account_ : new Dictionary<string, string>()),
                    new CardAction("Account plan", "account.plan", account_),
                    new CardAction("Dismiss", DismissVerb, new Dictionary<string, string> { ["account"] = account.Id, ["trigger"] = alert.Trigger }),
                ]
                :
                [
                    new CardAction("Explain", "churn.explain", account_),
                    new CardAction("Draft email", "interventions.draft", account_),
                    new CardAction("Dismiss", DismissVerb, new Dictionary<string, string> { ["account"] = account.Id, ["trigger"] = alert.Trigger }),
                ])
        { FallbackText = alert.Summary };
    }

    public static Card Digest(IReadOnlyList<Alert> alerts, IReadOnlyDictionary<string, Account> accounts, DateOnly day)
    {
        var rows = alerts.OrderByDescending(a => a.Priority).ThenBy(a => a.RaisedAt).Take(40)
            .Select(a => (IReadOnlyList<string>)
            [
                accounts.TryGetValue(a.AccountId, out Account? acc) ? $"{acc.Name} ({acc.Id})" : a.AccountId,
                AlertTriggers.Label(a.Trigger),
                a.Summary,
                a.RaisedAt.ToString("MMM d HH:mm", CultureInfo.InvariantCulture),
            ]).ToList();
        var body = new List<CardElement> { new CardTable(["Account", "Alert", "Details", "Raised"], rows) };
        if (alerts.Count > rows.Count)
        {
            body.Add(new CardText($"…and {alerts.Count - rows.Count} more. Type /alerts for the full list.", Subtle: true));
        }

        return new Card($"Daily digest for {Format.Date(day)}: {alerts.Count} alert{(alerts.Count == 1 ? string.Empty : "s")}", body, [])
        {
            FallbackText = $"{Quantity.Of(alerts.Count, "alert")} in today's digest",
        };
    }

    private static string Icon(int priority) => priority >= 5 ? "🔴" : priority >= 4 ? "🟠" : "🟡";
}
