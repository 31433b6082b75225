using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>When an account at risk would most likely churn if it does: the urgency shown in lists.</summary>
public enum Urgency
{
    Within7Days,
    Within30Days,
    Within90Days,
    Later,
}

/// <summary>One reason behind a risk score, in words, with its weight in probability points (+ raises risk).</summary>
public sealed record RiskDriver(string Feature, string Text, double Points);

/// <summary>An active account's churn risk (probability of churning within 90 days), urgency and drivers.</summary>
/// <remarks>
/// <see cref="Within7"/> and <see cref="Within30"/> are the shorter horizons' probabilities (≤ <see cref="Probability"/>).
/// Drivers are worked out (TreeSHAP) only when first read: lists show a handful, scoring covers every account.
/// </remarks>
public sealed record AccountRisk(Account Account, double Probability, Urgency Urgency, Lazy<IReadOnlyList<RiskDriver>> LazyDrivers, double Within7 = 0, double Within30 = 0)
{
    public AccountRisk(Account account, double probability, Urgency urgency, IReadOnlyList<RiskDriver> drivers)
        : this(account, probability, urgency, new Lazy<IReadOnlyList<RiskDriver>>(drivers))
    {
    }

    public IReadOnlyList<RiskDriver> Drivers => LazyDrivers.Value;

    /// <summary>
    /// The 90-day model's exact TreeSHAP explanation (every feature's value and contribution in log-odds), worked out
    /// once with the drivers; null when the provider gives none.
    /// </summary>
    public Lazy<CopilotBot.ML.PredictionExplanation>? LazyExplanation { get; init; }

    public RiskDriver? TopDriver => Drivers.Where(d => d.Points > 0).MaxBy(d => d.Points);

    /// <summary>Expected ARR lost: probability × ARR.</summary>
    public double ArrAtRisk => Probability * (double)Account.Arr;

    /// <summary>
    /// The one colour vocabulary, the same in text, cards and help: the colour of the account's dot. 🔴 red = likely to
    /// churn within ~7 days, 🟠 orange ~30 days, 🟡 yellow ~90 days, 🟢 green = low risk (under 25% in 90 days).
    /// </summary>
    public static string Colour(Urgency urgency) => urgency switch
    {
        Urgency.Within7Days => "red",
        Urgency.Within30Days => "orange",
        Urgency.Within90Days => "yellow",
        _ => "green",
    };

    public static string Badge(Urgency urgency) => urgency switch
    {
        Urgency.Within7Days => "🔴 ~7 days",
        Urgency.Within30Days => "🟠 ~30 days",
        Urgency.Within90Days => "🟡 ~90 days",
        _ => "🟢 >90 days",
    };

    /// <summary>
    /// The urgency bucket from the cumulative horizon probabilities: the window in which churn is most likely per day
    /// (the mode of the time-to-churn density over 0–7, 7–30 and 30–90 days); accounts with low 90-day risk are "later".
    /// </summary>
    public static Urgency Bucket(double p7, double p30, double p90, double lowRisk = 0.25)
    {
        p30 = Math.Max(p30, p7);
        p90 = Math.Max(p90, p30);
        if (p90 < lowRisk)
        {
            return Urgency.Later;
        }

        double d7 = p7 / 7, d30 = (p30 - p7) / 23, d90 = (p90 - p30) / 60;
        return d7 >= d30 && d7 >= d90 ? Urgency.Within7Days : d30 >= d90 ? Urgency.Within30Days : Urgency.Within90Days;
    }
}

/// <summary>Churn risk for the workspace's accounts, from the active trained model.</summary>
public interface IChurnRiskProvider
{
    /// <summary>Every active account's risk today, highest first.</summary>
    Task<IReadOnlyList<AccountRisk>> ScoreAsync(CancellationToken cancellationToken);

    /// <summary>One account's risk with all its drivers; null when it is not an active account.</summary>
    Task<AccountRisk?> ExplainAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Risk as the model would have scored it on a past date, for the accounts active then (for trends and backtests).</summary>
    Task<IReadOnlyList<AccountRisk>> ScoreAsOfAsync(DateOnly date, CancellationToken cancellationToken);

    /// <summary>Today's date for this provider's clock.</summary>
    DateOnly Today { get; }

    /// <summary>
    /// Each account active on a past date with its probability of churning within <paramref name="horizonDays"/>, by a
    /// model trained only on what was known on that date (an out-of-sample backtest); empty when too little was known then
    /// to train one, null when the provider cannot train.
    /// </summary>
    Task<IReadOnlyList<(Account Account, double Probability)>?> ScoreOutOfSampleAsync(DateOnly date, int horizonDays, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(Account Account, double Probability)>?>(null);
}

/// <summary>An account's risk before and after new data (null when it was not, or is no longer, scored: e.g. churned).</summary>
public sealed record RiskChange(Account Account, AccountRisk? Before, AccountRisk? After);
