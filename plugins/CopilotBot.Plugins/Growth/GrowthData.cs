using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// Everything the adoption and expansion analyses read, as of one day: accounts (with their status and churn date),
/// the product's features, first uses, monthly feature usage, subscription history, monthly usage and support
/// conversations (for sentiment). Pure data: the analyses never touch a store, so benches and tests feed them directly.
/// </summary>
public sealed record GrowthData(
    DateOnly AsOf,
    IReadOnlyList<Account> Accounts,
    IReadOnlyList<ProductFeature> Features,
    IReadOnlyList<FeatureFirstUse> FirstUses,
    IReadOnlyList<FeatureUsageMonth> FeatureUsage,
    IReadOnlyList<SubscriptionChange> Subscriptions,
    IReadOnlyList<UsageMonth> Usage,
    IReadOnlyList<SupportConversation> Conversations);
