using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>A ready-to-send plain-text email to the customer's admin about one recommended feature.</summary>
public sealed record EnablementMessage(string Subject, string Body)
{
    /// <summary>
    /// Fills the template from the recommendation: the feature, why peers use it (only the share and window of the
    /// evidence, nothing it does not hold: no churn figures, which are for the CSM), and one concrete first step. An upgrade
    /// path says which plan includes the feature. Names not given are left out ("Hi there").
    /// </summary>
    public static EnablementMessage Compose(NextStep step, string accountName, string? adminName = null, string? senderName = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        AdoptionEvidence e = step.Evidence;
        string peers = Peers(e.Group);
        string share = ChurnComparison.Pct(e.Share);
        string why = e.Adopted == 0
            ? $"{step.Feature} could be a useful next step for {accountName}."
            : e.Trigger is { } trigger
                ? string.Create(CultureInfo.InvariantCulture,
                    $"Since your team already uses {trigger}, {step.Feature} is {Verdict(e.Share)}: {share} of {peers} that use {trigger} started using {step.Feature} within {e.WindowDays} days of it.")
                : $"{step.Feature} is {Verdict(e.Share)} for {accountName}: {share} of {peers} use it.";
        string upgrade = step.RequiresUpgrade
            ? $"\n\n{step.Feature} is part of the {step.MinPlan} plan; I would be glad to walk you through what moving to it involves."
            : string.Empty;
        string body =
            $"Hi {(string.IsNullOrWhiteSpace(adminName) ? "there" : adminName)},\n\n" +
            $"{why}{upgrade}\n\n" +
            $"A good first step: pick one small team at {accountName} to try {step.Feature} on a real piece of work this week. " +
            $"If it helps, reply to this email and I will set up a 30-minute session to get {step.Feature} configured with you.\n\n" +
            $"Best regards,\n{(string.IsNullOrWhiteSpace(senderName) ? "Your customer success team" : senderName)}";
        return new EnablementMessage($"A next step for {accountName}: {step.Feature}", body);
    }

    /// <summary>Only a share of at least half makes it "a natural next step"; below that the message claims no more than interest.</summary>
    private static string Verdict(double share) => share >= 0.5 ? "a natural next step" : "worth a look";

    /// <summary>The peer group in customer-facing words: "customers in Healthcare on the Pro plan", "customers on the Pro plan", "our customers".</summary>
    private static string Peers(PeerGroup group)
    {
        string text = group.Industry is { } industry ? $"customers in {industry}" : group.Plan is null ? "our customers" : "customers";
        return group.Plan is { } plan ? $"{text} on the {plan} plan" : text;
    }
}
