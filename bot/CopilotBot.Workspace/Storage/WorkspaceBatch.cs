using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>Rows written together by <see cref="IWorkspaceStores.WriteAsync"/> (the demo seed, one import batch).</summary>
public sealed record WorkspaceBatch
{
    public IReadOnlyList<User> Users { get; init; } = [];

    public IReadOnlyList<Account> Accounts { get; init; } = [];

    public IReadOnlyList<UsageMonth> Usage { get; init; } = [];

    public IReadOnlyList<Payment> Payments { get; init; } = [];

    public IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> Conversations { get; init; } = [];

    public IReadOnlyList<CrmTask> Tasks { get; init; } = [];

    public IReadOnlyList<Intervention> Interventions { get; init; } = [];

    public IReadOnlyList<ProductFeature> Features { get; init; } = [];

    public IReadOnlyList<FeatureUsageMonth> FeatureUsage { get; init; } = [];

    public IReadOnlyList<FeatureFirstUse> FirstUses { get; init; } = [];

    public IReadOnlyList<SubscriptionChange> Subscriptions { get; init; } = [];

    /// <summary>Meta keys set in the same transaction.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Meta { get; init; } = [];

    /// <summary>Write only into a workspace without users and accounts (the demo seed).</summary>
    public bool OnlyIfEmpty { get; init; }

    /// <summary>How many rows the batch holds (meta keys not counted), for progress.</summary>
    public int RowCount =>
        Users.Count + Accounts.Count + Usage.Count + Payments.Count + Conversations.Count + Tasks.Count + Interventions.Count +
        Features.Count + FeatureUsage.Count + FirstUses.Count + Subscriptions.Count;
}
