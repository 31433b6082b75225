using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>Everything known about one account, in memory and sorted by time, so features can be read at any past date.</summary>
public sealed record AccountHistory(
    Account Account,
    IReadOnlyList<UsageMonth> Usage,
    IReadOnlyList<Payment> Payments,
    IReadOnlyList<SupportConversation> Conversations);
