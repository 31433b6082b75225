using CopilotBot.ML;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// The baseline the expansion model has to beat: rank accounts by current seat utilisation (active users in the latest
/// ended month / seats in force), highest first; accounts without a utilisation come last. Same output shape as
/// <see cref="ExpansionModel.ScoreAll(GrowthIndex)"/>, with <see cref="ExpansionScore.Probability"/> holding the
/// utilisation capped at 1 (a ranking score, not a probability) and the single reason the utilisation itself.
/// </summary>
public sealed class SeatUtilisationRule(ExpansionSizes? sizes = null)
{
    /// <summary>Every account active on the data's <see cref="GrowthData.AsOf"/>, highest utilisation first.</summary>
    public IReadOnlyList<ExpansionScore> ScoreAll(GrowthIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        DateOnly at = index.Data.AsOf;
        return [.. index.All.Where(g => g.IsActiveOn(at))
            .Select(g => ExpansionFeatures.Compute(g, index.Data.Features, at))
            .Select((v, i) => (Values: v, Account: index.Account(v.AccountId)!.Account))
            .OrderByDescending(x => x.Values.SeatUtilisation ?? double.NegativeInfinity)
            .ThenBy(x => x.Account.Id, StringComparer.Ordinal)
            .Select(x =>
            {
                (double? share, string basis) = sizes?.ShareFor(x.Values.Plan, x.Values.Tier) ?? (null, "no sizes given");
                var reason = new ExpansionReason(ExpansionFeatures.SeatUtilisation, ExpansionReasonText.Describe(ExpansionFeatures.SeatUtilisation, x.Values), 0);
                return new ExpansionScore(
                    x.Account,
                    Math.Clamp(x.Values.SeatUtilisation ?? 0, 0, 1),
                    share is { } s ? Math.Round((decimal)s * x.Values.Arr, 2) : 0m,
                    basis,
                    x.Values,
                    new Lazy<IReadOnlyList<ExpansionReason>>(() => [reason]));
            })];
    }

    /// <summary>The utilisation as a ranking score (no utilisation = −1), for metrics like ROC-AUC.</summary>
    public static double RankScore(ExpansionFeatureValues values) => values.SeatUtilisation ?? -1;
}
