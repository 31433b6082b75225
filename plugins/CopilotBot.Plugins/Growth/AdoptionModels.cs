using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>The knobs of <see cref="AdoptionAnalysis"/>; the defaults suit a portfolio of hundreds to thousands of accounts.</summary>
public sealed record AdoptionOptions
{
    /// <summary>"Next" means adopted within this many days; the recommender learns from what peers adopted in such a window.</summary>
    public int HorizonDays { get; init; } = 90;

    /// <summary>Days between the past snapshots of every account the recommender learns from.</summary>
    public int SnapshotSpacingDays { get; init; } = 30;

    /// <summary>
    /// How far back snapshots go (before <c>AsOf − HorizonDays</c>), bounding the build time. Ten years by default: on the
    /// demo portfolios, learning from the last two years only lowered hit rate@3 by about three points.
    /// </summary>
    public int SnapshotLookbackDays { get; init; } = 3650;

    /// <summary>The window of the evidence's sequence pattern: "adopted X within N days of Y".</summary>
    public int PatternWindowDays { get; init; } = 60;

    /// <summary>A peer group (same industry and plan, then same plan) needs this many other accounts, else the next wider one is used.</summary>
    public int MinPeers { get; init; } = 20;

    /// <summary>A sequence pattern is quoted only when this many peers had the trigger long enough to observe the window.</summary>
    public int MinPatternAccounts { get; init; } = 10;

    /// <summary>A churn comparison (ratio) is given only with at least this many accounts on each side, adopters and non-adopters.</summary>
    public int MinChurnSide { get; init; } = 10;

    /// <summary>Accounts younger than this (by signup) are left out of churn comparisons and the retention model.</summary>
    public int MinAccountAgeDays { get; init; } = 180;

    /// <summary>Pseudo-snapshots by which a narrow group's adoption rate is pulled towards the wider group's (empirical Bayes).</summary>
    public double Shrinkage { get; init; } = 20;

    /// <summary>Rank recommendations by likelihood × a retention weight (peers who adopted it churned less), not likelihood alone.</summary>
    public bool WeightByRetention { get; init; } = true;
}

/// <summary>A filter on accounts: industry (ignoring case), plan as of the analysis date, tier; null means any.</summary>
public sealed record SegmentFilter(string? Industry = null, Plan? Plan = null, Tier? Tier = null)
{
    /// <summary>"Healthcare accounts on Pro", "Gold accounts", "all accounts".</summary>
    public string Describe()
    {
        string subject = string.Join(' ', new[] { Tier?.ToString(), Industry }.Where(s => s is not null));
        string text = subject.Length == 0 ? (Plan is null ? "all accounts" : "accounts") : subject + " accounts";
        return Plan is { } p ? $"{text} on {p}" : text;
    }
}

/// <summary>The accounts an account is compared with: same industry and plan, same plan, or everyone (the widest with enough peers).</summary>
public sealed record PeerGroup(string? Industry, Plan? Plan, int Peers)
{
    /// <summary>"Healthcare accounts on Pro", "accounts on Pro", "all accounts".</summary>
    public string Describe() => new SegmentFilter(Industry, Plan).Describe();
}

/// <summary>
/// Churn of accounts that use a feature against those that do not, among accounts old enough (churned = churned on or
/// before the analysis date; adopter = first used the feature before churning, or by the analysis date). Note the
/// comparison is observational: an account that churned early had less time to adopt anything.
/// </summary>
public sealed record ChurnComparison(int Adopters, int AdoptersChurned, int NonAdopters, int NonAdoptersChurned, int MinSide)
{
    /// <summary>Share of adopters that churned (null without adopters).</summary>
    public double? AdopterChurnRate => Adopters == 0 ? null : (double)AdoptersChurned / Adopters;

    /// <summary>Share of non-adopters that churned (null without non-adopters).</summary>
    public double? NonAdopterChurnRate => NonAdopters == 0 ? null : (double)NonAdoptersChurned / NonAdopters;

    /// <summary>True when both sides have at least <see cref="MinSide"/> accounts: only then is a comparison stated.</summary>
    public bool IsComparable => Adopters >= MinSide && NonAdopters >= MinSide;

    /// <summary>Non-adopters' churn rate over adopters' ("adopters churned 3× less"); null when not comparable or adopters never churned.</summary>
    public double? Ratio => IsComparable && AdoptersChurned > 0 ? NonAdopterChurnRate!.Value / AdopterChurnRate!.Value : null;

    /// <summary>
    /// The clause for a sentence: "accounts using it churned 3× less (4% vs 12%)", "… 1.5× more …", "no difference in churn",
    /// "none of the accounts using it churned, against 12% of the others"; null when the sample is too small.
    /// </summary>
    public string? Clause()
    {
        if (!IsComparable)
        {
            return null;
        }

        double a = AdopterChurnRate!.Value, n = NonAdopterChurnRate!.Value;
        string rates = $"({Pct(a)} vs {Pct(n)})";
        if (AdoptersChurned == 0)
        {
            return NonAdoptersChurned == 0 ? "no difference in churn (none churned)" : $"none of the accounts using it churned, against {Pct(n)} of the others";
        }

        double ratio = n / a;
        return ratio >= 1.25 ? $"accounts using it churned {Times(ratio)} less {rates}"
            : ratio <= 0.8 ? $"accounts using it churned {Times(1 / ratio)} more {rates}"
            : $"no difference in churn {rates}";
    }

    internal static string Pct(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Times(double ratio) => ratio.ToString(ratio >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture) + "×";
}

/// <summary>
/// Why a feature is recommended, as numbers and one plain sentence. With a <see cref="Trigger"/> (a feature the account
/// already uses), <see cref="Adopted"/> of <see cref="Eligible"/> peers that had the trigger at least
/// <see cref="WindowDays"/> days (and not the feature before it) adopted the feature within that window of the trigger;
/// without one, <see cref="Adopted"/> of <see cref="Eligible"/> peers use the feature at all.
/// </summary>
public sealed record AdoptionEvidence(
    PeerGroup Group,
    string? Trigger,
    int WindowDays,
    int Eligible,
    int Adopted,
    ChurnComparison Churn,
    string Sentence)
{
    /// <summary>Adopted / Eligible (0 without eligible peers).</summary>
    public double Share => Eligible == 0 ? 0 : (double)Adopted / Eligible;
}

/// <summary>
/// One recommended feature: <see cref="Likelihood"/> is the estimated probability that an account in this state adopts it
/// within the horizon (learnt from peers' past snapshots), <see cref="Score"/> what it is ranked by (likelihood × retention
/// weight). <see cref="RequiresUpgrade"/> marks a feature above the account's plan (an upgrade path).
/// </summary>
public sealed record NextStep(
    string Feature,
    double Likelihood,
    double RetentionWeight,
    double Score,
    bool RequiresUpgrade,
    Plan MinPlan,
    AdoptionEvidence Evidence);

/// <summary>What an account should adopt next: up to the asked number of features its plan includes, and upgrade paths apart.</summary>
public sealed record NextSteps(
    string AccountId,
    string AccountName,
    string Industry,
    Plan? Plan,
    IReadOnlyList<string> Uses,
    IReadOnlyList<NextStep> Recommendations,
    IReadOnlyList<NextStep> UpgradePaths);

/// <summary>
/// A feature adopted after the anchor (the after-feature, or signup without one): of the accounts whose anchor is at least
/// 60 (90) days old, that did not use the feature before it and whose plan includes it, the share that adopted it within 60 (90) days;
/// <see cref="Accounts"/> adopted it on or after the anchor at any time, <see cref="MedianDays"/> after it.
/// </summary>
public sealed record NextFeaturePattern(
    string Feature,
    int Eligible60,
    int Within60,
    int Eligible90,
    int Within90,
    int Accounts,
    double? MedianDays)
{
    public double Share60 => Eligible60 == 0 ? 0 : (double)Within60 / Eligible60;

    public double Share90 => Eligible90 == 0 ? 0 : (double)Within90 / Eligible90;
}

/// <summary>A step of the segment's typical order: the median position (1 = first feature adopted) among the accounts using it.</summary>
public sealed record AdoptionOrderStep(string Feature, int Adopters, double Share, double MedianPosition);

/// <summary>The portfolio view of adoption for a segment: what comes after the anchor, and the usual order.</summary>
public sealed record AdoptionPatterns(
    SegmentFilter Filter,
    string? After,
    int Accounts,
    int WithAnchor,
    IReadOnlyList<NextFeaturePattern> Next,
    IReadOnlyList<AdoptionOrderStep> TypicalOrder);

/// <summary>
/// Whether a feature goes with retention, two ways side by side: the plain <see cref="Lift"/> (churn of adopters against
/// non-adopters) and the model's effect: in a gradient-boosted churn model with one flag per feature and controls (tier,
/// plan, industry, account age, seats), the mean TreeSHAP contribution of the feature's flag among adopters minus that
/// among non-adopters, in log-odds of churn (<see cref="ModelEffectLogOdds"/>) and in probability points
/// (<see cref="ModelEffectPoints"/>). Negative means the model ties the feature to less churn. Null when no model could be
/// trained (too few churned or retained accounts) or nobody (or everybody) uses the feature.
/// </summary>
public sealed record FeatureRetention(string Feature, ChurnComparison Lift, double? ModelEffectLogOdds, double? ModelEffectPoints);
