using System.Globalization;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Interventions;

/// <summary>A retention draft and the facts it was written from.</summary>
public sealed record Draft(Account Account, string Channel, string Subject, string Body, IReadOnlyList<string> Facts);

/// <summary>
/// Writes retention emails and call scripts from templates in <c>prompts/</c>, filled only with facts from the
/// workspace: the risk drivers, the usage trend, recent support conversations, open billing items and the renewal date.
/// </summary>
public sealed class DraftWriter(PromptLibrary prompts, IActivityStore activity, IConversationStore conversations, IUserStore users)
{
    public async Task<Draft> WriteAsync(Account account, AccountRisk? risk, string channel, DateOnly today, CancellationToken cancellationToken)
    {
        IReadOnlyList<UsageMonth> usage = await activity.GetUsageAsync(account.Id, cancellationToken);
        var complete = usage.Where(u => u.Month.AddMonths(1) <= today).ToList();
        UsageMonth? now = complete.LastOrDefault();
        UsageMonth? before = now is null ? null : complete.LastOrDefault(u => u.Month <= now.Month.AddMonths(-3));
        bool usageFell = now is not null && before is not null && now.ActiveUsers < before.ActiveUsers * 0.85;

        var from = new DateTimeOffset(today.AddDays(-90).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        List<SupportConversation> all = [.. await conversations.ListAsync(account.Id, from, null, cancellationToken)];
        var recent = all
            .Where(c => !IsCancellation(c))
            .OrderBy(c => c.Sentiment ?? 0).ThenByDescending(c => c.StartedAt).Take(3)
            .OrderBy(c => c.StartedAt).ToList();
        // The customer's own notice that they are leaving is not a support issue to "resolve" in a letter to them; it
        // changes what the call is for instead.
        bool leaving = all.Any(IsCancellation);
        var issues = recent.Select(c => new
        {
            date = c.StartedAt.ToString("d MMM", CultureInfo.InvariantCulture),
            summary = c.Subject ?? c.Topic ?? "Support request",
        }).ToList();
        int late = (await activity.GetPaymentsAsync(account.Id, cancellationToken))
            .Count(p => p.DueDate >= today.AddDays(-180) && p.Status is PaymentStatus.Late or PaymentStatus.Failed);
        bool renewalSoon = account.RenewalDate is { } r && r >= today && r <= today.AddDays(90);
        User? owner = account.OwnerId is null ? null : await users.GetAsync(account.OwnerId, cancellationToken);
        string adoptionOffer = usageFell
            ? "I'd like to offer a short adoption workshop for your team to get everyone back up to speed."
            : "I'd like to make sure you're getting full value from the features you rely on.";
        string callPurpose = leaving || renewalSoon
            ? "I'd like to understand what would make the next year a clear success for you."
            : issues.Count > 0 ? "I'd like to make sure the issues your team raised are fully resolved and talk about what's next."
            : "I'd like to hear how things are going and where we can help.";
        string subject = renewalSoon ? $"Planning ahead for your renewal, {account.Name}" : $"Checking in, {account.Name}";
        var model = new
        {
            subject,
            accountName = account.Name,
            accountId = account.Id,
            tier = account.Tier.ToString(),
            arr = Format.Money(account.Arr),
            risk = risk is null ? "unknown" : Format.Risk(risk.Probability),
            senderName = owner?.Name ?? "your customer success manager",
            usageFell,
            usageBefore = before?.ActiveUsers.ToString(CultureInfo.InvariantCulture),
            usageNow = now?.ActiveUsers.ToString(CultureInfo.InvariantCulture),
            adoptionOffer,
            issues,
            issuesAck = issues.Count == 1 ? "I want to make sure that was fully resolved for you." : "I want to make sure those were fully resolved for you.",
            latePayments = late > 0,
            renewalSoon,
            renewalDate = account.RenewalDate is { } rd ? rd.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : null,
            callPurpose,
            drivers = risk is null ? "—" : string.Join("; ", risk.Drivers.Where(d => d.Points > 0).Take(3).Select(DriverText.WithPoints)),
        };
        string template = channel == "call" ? "call-script.hbs" : "retention-email.hbs";
        string body = prompts.Render(template, model);
        var facts = new List<string>();
        if (usageFell)
        {
            facts.Add($"active users {before!.ActiveUsers} → {now!.ActiveUsers}");
        }

        facts.AddRange(recent.Select(c => $"{c.Id} ({c.StartedAt:yyyy-MM-dd}, {c.Topic})"));
        if (late > 0)
        {
            facts.Add($"{Quantity.Of(late, "late or failed payment")} in 6 months");
        }

        if (renewalSoon)
        {
            facts.Add($"renewal {model.renewalDate}");
        }

        return new Draft(account, channel, subject, body, facts);
    }

    private static bool IsCancellation(SupportConversation c) =>
        string.Equals(c.Topic, "cancellation", StringComparison.OrdinalIgnoreCase)
        || (c.Subject ?? string.Empty).Contains("cancel", StringComparison.OrdinalIgnoreCase)
        || (c.Subject ?? string.Empty).Contains("non-renewal", StringComparison.OrdinalIgnoreCase);
}
