namespace CopilotBot.Plugins.Growth;

/// <summary>The expansion model as the bot uses it: trained on the workspace's past expansions, or the seat rule when it cannot be.</summary>
/// <param name="Training">The training outcome (with why there is no model when there is none).</param>
/// <param name="Scores">Every active account, most likely to expand first: the model's, or the seat-utilisation rule's when there is no model.</param>
public sealed record ExpansionState(GrowthIndex Index, ExpansionTraining Training, IReadOnlyList<ExpansionScore> Scores)
{
    private readonly Dictionary<string, ExpansionScore> _byId = Scores.ToDictionary(s => s.Account.Id, StringComparer.Ordinal);

    /// <summary>True when the scores are the seat-utilisation rule's (a ranking, not probabilities).</summary>
    public bool FromRule => !Training.Trained;

    public ExpansionScore? For(string accountId) => _byId.GetValueOrDefault(accountId);
}

/// <summary>What the growth plugins ask the <see cref="GrowthService"/> for, each built once per data version.</summary>
public static class GrowthInsights
{
    public static Task<AdoptionAnalysis> AdoptionAsync(this GrowthService growth, CancellationToken cancellationToken = default) =>
        growth.GetAsync("adoption", data => AdoptionAnalysis.Build(data), cancellationToken);

    public static Task<ExpansionState> ExpansionAsync(this GrowthService growth, CancellationToken cancellationToken = default) =>
        growth.GetAsync("expansion", data =>
        {
            GrowthIndex index = GrowthIndex.Build(data);
            ExpansionTraining training = ExpansionModel.Train(index);
            IReadOnlyList<ExpansionScore> scores = training.Model is { } model
                ? model.ScoreAll(index)
                : new SeatUtilisationRule(ExpansionSizes.FromHistory(index, data.AsOf)).ScoreAll(index);
            return new ExpansionState(index, training, scores);
        }, cancellationToken);

    /// <summary>
    /// The reasons worth telling a person: the model's drivers that raise the probability, leaving out what nobody can act
    /// on or talk about with the customer (account age, ARR, tier, plan, seat count alone); the top three.
    /// </summary>
    public static IReadOnlyList<ExpansionReason> ReasonsForPeople(ExpansionScore score)
    {
        var actionable = score.Drivers.Where(d => d.Points > 0 && !NotForPeople.Contains(d.Feature)).OrderByDescending(d => d.Points).Take(3).ToList();
        return actionable.Count > 0 ? actionable : score.Reasons;
    }

    private static readonly HashSet<string> NotForPeople = new(StringComparer.Ordinal)
    {
        ExpansionFeatures.AccountAge, ExpansionFeatures.ArrLog10, ExpansionFeatures.TierName, ExpansionFeatures.PlanName,
        ExpansionFeatures.Seats, ExpansionFeatures.DaysSinceExpansion,
    };

    /// <summary>A sentence of evidence as a clause: without its closing full stop, to be joined into a longer sentence.</summary>
    public static string Clause(string sentence) => sentence.TrimEnd().TrimEnd('.');

    /// <summary>Whether the workspace records which features accounts use (a catalog or any first use).</summary>
    public static bool HasFeatureData(GrowthData data) => data.Features.Count > 0 || data.FirstUses.Count > 0;

    /// <summary>What to tell a user when the workspace has no feature usage yet.</summary>
    public const string NoFeatureData =
        "This workspace has no feature usage yet, so I can't tell what accounts use or should adopt next. Send feature events " +
        "(type feature_used with account_id, feature, users, at) to /api/events or `copilot import usage --file events.csv`, " +
        "and the product's features with `copilot import features`.";

    /// <summary>What to tell a user when the workspace has no subscription history yet.</summary>
    public const string NoSubscriptions =
        "This workspace has no subscription history yet (plans, seats and ARR over time), so I can't learn who expands. " +
        "Import it with `copilot import subscriptions --file subscriptions.csv` (account_id, date, plan, seats, arr).";
}
