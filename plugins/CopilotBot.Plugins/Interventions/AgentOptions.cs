namespace CopilotBot.Plugins.Interventions;

/// <summary>The intervention agent's guardrails.</summary>
public sealed record AgentOptions
{
    public const string ActorId = "agent";

    /// <summary>Act only on accounts whose 90-day churn risk is at least this.</summary>
    public double RiskThreshold { get; init; } = 0.85;

    /// <summary>At most this many interventions per rolling hour, counted from the store.</summary>
    public int MaxPerHour { get; init; } = 50;

    /// <summary>No new intervention for an account that had one within this many days.</summary>
    public int CooldownDays { get; init; } = 14;

    /// <summary>An approval request not decided within this many hours expires.</summary>
    public int ApprovalTtlHours { get; init; } = 72;

    /// <summary>Follow-up task due this many days after the intervention.</summary>
    public int FollowUpDays { get; init; } = 7;

    /// <summary>
    /// An intervention the agent created whose follow-up (task, audit entry, approval request) is missing and is at least
    /// this old belongs to a run that died mid-account (process killed, store gone): the next run finishes it instead of
    /// creating another. Longer than any live run spends on one account, so two overlapping live runs never both finish it.
    /// </summary>
    public TimeSpan ResumeAfter { get; init; } = TimeSpan.FromMinutes(10);
}
