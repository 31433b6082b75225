using System.Globalization;
using CopilotBot.Conversation.Cards;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Interventions;

/// <summary>
/// The approval request for an action on a Platinum account, and the card that replaces it once someone decides
/// (the same for everyone who sees it: "Approved by Dana Whitfield at 14:02").
/// </summary>
public static class ApprovalCards
{
    public const string ApproveVerb = "approve";
    public const string RejectVerb = "reject";
    public const string EditVerb = "edit";

    /// <summary>
    /// The request card. <paramref name="ownerName"/> and <paramref name="requesterName"/> are the people's names (the
    /// ids are shown when they are not given: a user the workspace no longer knows).
    /// </summary>
    public static Card Request(Intervention intervention, Account account, AccountRisk? risk, string? ownerName = null, string? requesterName = null)
    {
        var data = new Dictionary<string, string> { ["intervention"] = intervention.Id, ["account"] = account.Id };
        var body = new List<CardElement>
        {
            new CardFacts([
                ("Account", $"{account.Name} ({account.Id})"), ("Tier", account.Tier.ToString()), ("ARR", Format.Money(account.Arr)),
                ("Churn risk", intervention.Risk is { } r ? Format.Risk(r) : "—"), ("Owner", ownerName ?? account.OwnerId ?? "—"),
                ("Requested", intervention.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC by " + (requesterName ?? intervention.CreatedBy)),
            ]),
        };
        if (risk is not null && risk.Drivers.Any(d => d.Points > 0))
        {
            body.Add(new CardText("Why: " + string.Join("; ", risk.Drivers.Where(d => d.Points > 0).Take(3).Select(DriverText.WithPoints))));
        }

        body.Add(new CardText("Proposed action: retention " + intervention.Kind + " and a follow-up task in 7 days.", Emphasis: true));
        if (intervention.Draft is { Length: > 0 } draft)
        {
            body.Add(new CardText(draft.Length > 1500 ? draft[..1497] + "…" : draft, Subtle: true));
        }

        return new Card(
            $"Approval needed: {account.Name}",
            body,
            [
                new CardAction("Approve", ApproveVerb, data, "positive"),
                new CardAction("Reject", RejectVerb, data, "destructive"),
                new CardAction("Edit", EditVerb, data),
            ])
        { FallbackText = $"Approval needed for {account.Name} ({account.Id})" };
    }

    public static Card Decided(Intervention intervention, Account account, string deciderName, string? note = null)
    {
        bool approved = intervention.Status != InterventionStatus.Rejected;
        string when = intervention.DecidedAt?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "?";
        string day = intervention.DecidedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;
        var body = new List<CardElement>
        {
            new CardText($"{(approved ? "Approved" : "Rejected")} by {deciderName} at {when} UTC on {day}.", Emphasis: true),
            new CardFacts([("Account", $"{account.Name} ({account.Id})"), ("Intervention", intervention.Id), ("Status", approved ? "email queued, follow-up task created" : "no action taken")]),
        };
        if (note is not null)
        {
            body.Add(new CardText(note, Subtle: true));
        }

        return new Card($"{(approved ? "✅ Approved" : "❌ Rejected")}: {account.Name}", body, []) { FallbackText = $"{(approved ? "Approved" : "Rejected")} by {deciderName}" };
    }

    public static Card Expired(Intervention intervention, Account account) =>
        new($"Expired: {account.Name}", [new CardText($"This approval request ({intervention.Id}) expired before anyone decided; nothing was done. The agent will ask again on its next run if the account is still at risk.")], [])
        {
            FallbackText = "Approval request expired",
        };
}
