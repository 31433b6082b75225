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
    IReadOnlyDictionary<string, DemoTrajectory> Trajectories);

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
