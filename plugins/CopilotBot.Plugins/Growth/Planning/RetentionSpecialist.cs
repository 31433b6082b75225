using System.Globalization;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Growth.Planning;

/// <summary>
/// The retention specialist: the churn model's risk, urgency and drivers, the renewal date, recent negative support
/// conversations and open interventions. It asks for action in proportion to risk and urgency, and says when retention
/// needs nothing beyond the usual cadence.
/// </summary>
public sealed class RetentionSpecialist(IChurnRiskProvider risk, IConversationStore conversations, IInterventionStore interventions) : IPlanSpecialist
{
    /// <summary>At or above this 90-day risk the plan leads with retention (the portfolio's "high risk").</summary>
    public const double HighRisk = 0.5;

    /// <summary>Below this 90-day risk retention asks for nothing beyond the usual cadence.</summary>
    public const double LowRisk = 0.25;

    public PlanTrack Track => PlanTrack.Retention;

    public string Instructions =>
        "You are the retention specialist on a customer-success team. You judge how likely this account is to churn, how " +
        "soon, and why, from the churn model's risk and drivers, the renewal date and recent support conversations. Say " +
        "what must happen to keep the account and how urgent it is. Do not speculate beyond the evidence.";

    public async Task<SpecialistFindings> ConsultAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        var evidence = new List<PlanEvidence>();
        var steps = new List<PlanStep>();
        AccountRisk? r = await risk.ExplainAsync(account.Id, cancellationToken);
        if (r is null)
        {
            return new SpecialistFindings(PlanTrack.Retention, $"No churn score for {account.Name} yet (no usage or history on record).", [], [], []);
        }

        evidence.Add(new PlanEvidence("R1", "churn.explain", $"{Format.Risk(r.Probability)} churn risk within 90 days, {AccountRisk.Badge(r.Urgency)}"));
        var up = r.Drivers.Where(d => d.Points > 0).Take(3).ToList();
        for (int i = 0; i < up.Count; i++)
        {
            evidence.Add(new PlanEvidence($"R{i + 2}", "churn.explain", DriverText.WithPoints(up[i])));
        }

        string? renewalId = null;
        if (account.RenewalDate is { } renewal && renewal >= today)
        {
            renewalId = $"R{evidence.Count + 1}";
            evidence.Add(new PlanEvidence(renewalId, "accounts", $"renews on {Format.Iso(renewal)} (in {Quantity.Of(renewal.DayNumber - today.DayNumber, "day")}), {Format.Money(account.Arr)} ARR"));
        }

        var from = new DateTimeOffset(today.AddDays(-90).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var negative = (await conversations.ListAsync(account.Id, from, null, cancellationToken)).Where(c => c.Sentiment is < -0.3).ToList();
        string? ticketsId = null;
        if (negative.Count > 0)
        {
            ticketsId = $"R{evidence.Count + 1}";
            string topics = string.Join(", ", negative.Where(c => c.Topic is not null).GroupBy(c => c.Topic!).OrderByDescending(g => g.Count()).Take(2).Select(g => g.Key));
            evidence.Add(new PlanEvidence(ticketsId, "support", $"{Quantity.Of(negative.Count, "negative support conversation")} in the last 90 days" + (topics.Length > 0 ? $", mostly {topics}" : string.Empty)));
        }

        var open = (await interventions.ListAsync(account.Id, cancellationToken))
            .Where(i => i.Status is InterventionStatus.Pending or InterventionStatus.PendingApproval).ToList();
        if (open.Count > 0)
        {
            evidence.Add(new PlanEvidence($"R{evidence.Count + 1}", "interventions", $"{Quantity.Of(open.Count, "open intervention")} ({string.Join(", ", open.Select(i => i.Kind).Distinct())}) since {Format.Iso(DateOnly.FromDateTime(open.Min(i => i.CreatedAt).UtcDateTime))}"));
        }

        string driverText = up.Count > 0 ? up[0].Text : "the drivers on record";
        var driverCites = new List<string> { "R1" };
        if (up.Count > 0)
        {
            driverCites.Add("R2");
        }

        string headline;
        if (r.Probability >= HighRisk)
        {
            int days = r.Urgency switch { Urgency.Within7Days => 2, Urgency.Within30Days => 5, _ => 10 };
            headline = $"Retention comes first: {Format.Risk(r.Probability)} churn risk ({AccountRisk.Badge(r.Urgency)}), driven by {driverText}.";
            steps.Add(new PlanStep(PlanTrack.Retention, $"Call {account.Name}'s sponsor about {Lower(driverText)}", $"Churn risk {Format.Risk(r.Probability)}, {AccountRisk.Badge(r.Urgency)}, led by {driverText} [{string.Join("][", driverCites)}].",
                account.OwnerId, today.AddDays(days), 100 * r.Probability + 20, driverCites));
            if (ticketsId is not null)
            {
                steps.Add(new PlanStep(PlanTrack.Retention, "Review the open support issues with the support lead", $"{evidence.Single(e => e.Id == ticketsId).Text} [{ticketsId}].",
                    account.OwnerId, today.AddDays(days + 3), 60 * r.Probability + 10, [ticketsId]));
            }
        }
        else if (r.Probability >= LowRisk)
        {
            headline = $"Watch retention: {Format.Risk(r.Probability)} churn risk ({AccountRisk.Badge(r.Urgency)}), mainly {driverText}.";
            steps.Add(new PlanStep(PlanTrack.Retention, $"Health check with {account.Name} on {Lower(driverText)}", $"Churn risk {Format.Risk(r.Probability)}, led by {driverText} [{string.Join("][", driverCites)}].",
                account.OwnerId, today.AddDays(14), 40 * r.Probability + 10, driverCites));
        }
        else
        {
            headline = $"Retention is healthy: {Format.Risk(r.Probability)} churn risk within 90 days.";
        }

        if (renewalId is not null && account.RenewalDate is { } rd && rd.DayNumber - today.DayNumber <= 120)
        {
            // Due well before the renewal; when it is close, as soon as possible and never after it.
            DateOnly prepare = rd.AddDays(-45) > today ? rd.AddDays(-45) : rd > today.AddDays(3) ? today.AddDays(3) : today;
            string title = rd.DayNumber - today.DayNumber <= 14
                ? $"Close the renewal due {Format.Iso(rd)}: confirm the terms with the sponsor"
                : "Prepare the renewal: agree the value story and the commercial terms";
            steps.Add(new PlanStep(PlanTrack.Retention, title, $"The contract {evidence.Single(e => e.Id == renewalId).Text} [{renewalId}]; churn risk {Format.Risk(r.Probability)} [R1].",
                account.OwnerId, prepare, 30 + 50 * r.Probability, [renewalId, "R1"]));
        }

        return new SpecialistFindings(PlanTrack.Retention, headline, steps, evidence, []);
    }

    private static string Lower(string text) => text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1])
        ? char.ToLower(text[0], CultureInfo.InvariantCulture) + text[1..]
        : text;
}
