using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Demo;

/// <summary>Everything the demo generator makes, in memory, before it is written to a store.</summary>
public sealed record DemoPortfolio(
    IReadOnlyList<User> Users,
    IReadOnlyList<Account> Accounts,
    IReadOnlyList<UsageMonth> Usage,
    IReadOnlyList<Payment> Payments,
    IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> Conversations,
    IReadOnlyList<CrmTask> Tasks,
    IReadOnlyList<Intervention> Interventions,
    IReadOnlyDictionary<string, DemoTrajectory> Trajectories)
{
    /// <summary>The product's features (<see cref="DemoGrowth.Catalog"/>).</summary>
    public IReadOnlyList<ProductFeature> Features { get; init; } = [];

    /// <summary>Users per account, month and feature, from the month of first use on.</summary>
    public IReadOnlyList<FeatureUsageMonth> FeatureUsage { get; init; } = [];

    /// <summary>The day each account first used each feature it uses (before the history too, for old accounts).</summary>
    public IReadOnlyList<FeatureFirstUse> FirstUses { get; init; } = [];

    /// <summary>Each account's subscription history: a start, then expansions and contractions; the last row is today's.</summary>
    public IReadOnlyList<SubscriptionChange> Subscriptions { get; init; } = [];
}

/// <summary>The story an account's demo data tells; kept so tests can check that the data says what it should.</summary>
public enum DemoTrajectory
{
    Healthy,
    Recovering,
    AtRiskWithin7Days,
    AtRiskWithin30Days,
    AtRiskWithin90Days,
    Churned,
}
