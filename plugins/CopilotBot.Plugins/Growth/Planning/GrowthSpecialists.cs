using System.Globalization;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth.Planning;

/// <summary>
/// The adoption specialist: what the account should adopt next (<see cref="AdoptionAnalysis.NextStepsFor"/>), each
/// step citing the peer evidence behind it.
/// </summary>
public sealed class AdoptionSpecialist(GrowthService growth) : IPlanSpecialist
{
    public PlanTrack Track => PlanTrack.Adoption;

    public string Instructions =>
        "You are the adoption specialist on a customer-success team. You judge which features this account should adopt " +
        "next, from the paths of similar accounts that did well and how those features relate to retention. Recommend " +
        "only what the evidence supports, and say when the evidence is thin.";

    public async Task<SpecialistFindings> ConsultAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        GrowthData data = await growth.DataAsync(cancellationToken);
        if (!GrowthInsights.HasFeatureData(data))
        {
            return new SpecialistFindings(PlanTrack.Adoption, "No feature usage on record, so no adoption steps.", [], [], []);
        }

        AdoptionAnalysis analysis = await growth.AdoptionAsync(cancellationToken);
        if (analysis.NextStepsFor(account.Id) is not { } next || next.Recommendations.Count == 0)
        {
            return new SpecialistFindings(PlanTrack.Adoption, $"{account.Name} has no feature left to adopt on its plan that peers' paths support.", [], [], []);
        }

        var evidence = new List<PlanEvidence>
        {
            new("A1", "adoption.next_steps", $"uses {Quantity.Of(next.Uses.Count, "feature")}" + (next.Plan is { } p ? $" on the {p} plan" : string.Empty) +
                (next.Uses.Count > 0 ? $", latest {next.Uses[^1]}" : string.Empty)),
        };
        var steps = new List<PlanStep>();
        for (int i = 0; i < next.Recommendations.Count; i++)
        {
            NextStep step = next.Recommendations[i];
            string id = $"A{i + 2}";
            evidence.Add(new PlanEvidence(id, "adoption.next_steps", GrowthInsights.Clause(step.Evidence.Sentence)));
            steps.Add(new PlanStep(
                PlanTrack.Adoption,
                $"Enable {step.Feature}: send the enablement email and offer a setup session",
                $"{Format.Percent(step.Likelihood)} likely within 90 days; {GrowthInsights.Clause(step.Evidence.Sentence)} [{id}].",
                account.OwnerId,
                today.AddDays(7 * (i + 1)),
                25 + (40 * step.Score) - (5 * i),
                [id, "A1"]));
        }

        NextStep top = next.Recommendations[0];
        string headline = $"Adoption: {top.Feature} is the next step ({Format.Percent(top.Likelihood)} likely within 90 days)" +
            (next.Recommendations.Count > 1 ? ", then " + string.Join(" and ", next.Recommendations.Skip(1).Select(r => r.Feature)) : string.Empty) + ".";
        return new SpecialistFindings(PlanTrack.Adoption, headline, steps, evidence, []);
    }
}

/// <summary>
/// The expansion specialist: the expansion model's probability, expected ARR and reasons; it holds the pitch back when
/// the account's churn risk is high (flagged, not pitched).
/// </summary>
public sealed class ExpansionSpecialist(GrowthService growth, IChurnRiskProvider risk) : IPlanSpecialist
{
    /// <summary>At or above this probability of expanding within 90 days the plan proposes an expansion.</summary>
    public const double Ready = 0.3;

    public PlanTrack Track => PlanTrack.Expansion;

    public string Instructions =>
        "You are the expansion specialist on a customer-success team. You judge whether this account is ready to buy more " +
        "(seats or a higher plan) within 90 days, from the expansion model's probability and reasons. Never recommend an " +
        "upsell to an account at high churn risk; say it is held back and why.";

    public async Task<SpecialistFindings> ConsultAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        GrowthData data = await growth.DataAsync(cancellationToken);
        if (data.Subscriptions.Count == 0)
        {
            return new SpecialistFindings(PlanTrack.Expansion, "No subscription history on record, so no expansion view.", [], [], []);
        }

        ExpansionState state = await growth.ExpansionAsync(cancellationToken);
        if (state.For(account.Id) is not { } score)
        {
            return new SpecialistFindings(PlanTrack.Expansion, $"No expansion score for {account.Name}.", [], [], []);
        }

        var evidence = new List<PlanEvidence>();
        string probabilityText = state.FromRule
            ? $"seat utilisation {Format.Percent(score.Features.SeatUtilisation ?? 0)} (no model: {state.Training.CannotTrainReason})"
            : $"{Format.Percent(score.Probability)} likely to expand within 90 days; the model's held-out ROC-AUC is {state.Training.Info.HoldoutAuc.ToString("0.00", CultureInfo.InvariantCulture)}";
        evidence.Add(new PlanEvidence("E1", "expansion.opportunities", probabilityText));
        var reasons = GrowthInsights.ReasonsForPeople(score);
        for (int i = 0; i < reasons.Count; i++)
        {
            evidence.Add(new PlanEvidence($"E{i + 2}", "expansion.opportunities", reasons[i].Text));
        }

        if (score.TypicalExpansionArr > 0)
        {
            evidence.Add(new PlanEvidence($"E{evidence.Count + 1}", "subscriptions", $"typical expansion {Format.Money(score.TypicalExpansionArr)} ARR ({score.TypicalExpansionBasis})"));
        }

        AccountRisk? churn = await risk.ExplainAsync(account.Id, cancellationToken);
        bool ready = state.FromRule ? (score.Features.SeatUtilisation ?? 0) >= 0.9 : score.Probability >= Ready;
        if (churn is { } c && c.Probability >= RetentionSpecialist.HighRisk)
        {
            evidence.Add(new PlanEvidence($"E{evidence.Count + 1}", "churn.explain", $"churn risk {Format.Risk(c.Probability)} within 90 days"));
            string hold = ready
                ? $"Expansion is held back: {account.Name} looks ready to expand, but its churn risk is {Format.Risk(c.Probability)}; retention first."
                : $"No expansion pitch while churn risk is {Format.Risk(c.Probability)}.";
            return new SpecialistFindings(PlanTrack.Expansion, $"Expansion: {probabilityText}.", [], evidence, [hold]);
        }

        if (!ready)
        {
            return new SpecialistFindings(PlanTrack.Expansion, $"Expansion: not ready yet; {probabilityText}.", [], evidence, []);
        }

        ExpansionFeatureValues v = score.Features;
        string what = v.SeatUtilisation is >= 0.9 && v.Seats is { } seats
            ? $"Propose more seats ({v.ActiveUsers} of {seats} in use)"
            : v.PlanFeatureShare is >= 0.8 && v.HigherPlanExists == true
                ? $"Propose the plan above {v.Plan}: the account uses {v.PlanFeaturesInUse} of its plan's {v.PlanFeaturesAvailable} features"
                : "Open an expansion conversation";
        var cites = evidence.Select(e => e.Id).Take(3).ToList();
        var step = new PlanStep(
            PlanTrack.Expansion,
            what,
            $"{probabilityText} [E1]" + (reasons.Count > 0 ? $"; {reasons[0].Text} [E2]" : string.Empty) +
                (score.ExpectedExpansionArr > 0 ? $"; expected {Format.Money(score.ExpectedExpansionArr)} ARR" : string.Empty) + ".",
            account.OwnerId,
            today.AddDays(21),
            20 + (50 * score.Probability),
            cites);
        return new SpecialistFindings(PlanTrack.Expansion, $"Expansion: ready; {probabilityText}.", [step], evidence, []);
    }
}
