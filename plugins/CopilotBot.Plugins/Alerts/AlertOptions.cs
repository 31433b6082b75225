namespace CopilotBot.Plugins.Alerts;

/// <summary>Trigger thresholds and delivery limits (configuration section <c>Alerts</c>).</summary>
public sealed record AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>A rise in 90-day churn risk of at least this many percentage points raises <c>risk_jump</c>.</summary>
    public double RiskJumpPoints { get; init; } = 15;

    /// <summary>No login for this many days raises <c>inactive</c>.</summary>
    public int InactiveDays { get; init; } = 30;

    /// <summary>Renewals within this many days with risk at or above <see cref="RenewalRisk"/> raise <c>renewal_risk</c>.</summary>
    public int RenewalDays { get; init; } = 60;

    public double RenewalRisk { get; init; } = 0.5;

    /// <summary>At least this many negative conversations in 7 days, and twice the usual weekly rate, raise <c>sentiment_spike</c>.</summary>
    public int SentimentSpikeMinimum { get; init; } = 3;

    /// <summary>Sentiment at or below this counts as negative.</summary>
    public double NegativeSentiment { get; init; } = -0.3;

    /// <summary>Alerts sent at once per recipient per rolling hour; the rest wait for the digest.</summary>
    public int MaxImmediatePerHour { get; init; } = 5;

    /// <summary>Alerts below this priority (1–5, after dismissals) go to the digest only.</summary>
    public int ImmediatePriority { get; init; } = 3;

    /// <summary>Seat utilisation (active users ÷ seats bought) at or above which <c>seat_ceiling</c> is raised.</summary>
    public double SeatCeiling { get; init; } = 1.0;

    /// <summary>At or above this 90-day churn risk an account at its seat ceiling is not pitched an expansion.</summary>
    public double ExpansionHoldRisk { get; init; } = 0.5;
}
