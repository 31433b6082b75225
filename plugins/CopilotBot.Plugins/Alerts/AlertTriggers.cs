namespace CopilotBot.Plugins.Alerts;

/// <summary>The kinds of alert, with their base priority (5 = most urgent) and how they read in lists.</summary>
public static class AlertTriggers
{
    public const string RiskJump = "risk_jump";
    public const string Entered7Days = "entered_7d";
    public const string Inactive = "inactive";
    public const string SentimentSpike = "sentiment_spike";
    public const string RenewalRisk = "renewal_risk";
    public const string MissingData = "missing_data";

    /// <summary>An account used a key feature for the first time: the moment to suggest what it adopts next.</summary>
    public const string NextStep = "next_step";

    /// <summary>An account uses all the seats it bought (and is not at high churn risk): an expansion conversation.</summary>
    public const string SeatCeiling = "seat_ceiling";

    public static readonly IReadOnlyList<string> All = [Entered7Days, RiskJump, RenewalRisk, SentimentSpike, Inactive, SeatCeiling, NextStep, MissingData];

    /// <summary>Triggers about growing an account rather than keeping it (their cards offer growth actions).</summary>
    public static bool IsGrowth(string trigger) => trigger is NextStep or SeatCeiling;

    public static int BasePriority(string trigger) => trigger switch
    {
        Entered7Days => 5,
        RiskJump => 4,
        RenewalRisk => 4,
        SentimentSpike => 3,
        Inactive => 3,
        SeatCeiling => 3,
        NextStep => 3,
        _ => 2,
    };

    public static string Label(string trigger) => trigger switch
    {
        Entered7Days => "likely to churn within ~7 days",
        RiskJump => "risk jump",
        RenewalRisk => "renewal at risk",
        SentimentSpike => "negative-sentiment spike",
        Inactive => "no activity",
        MissingData => "missing data",
        NextStep => "ready for a next step",
        SeatCeiling => "seat ceiling reached",
        _ => trigger,
    };
}
