using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>What the workspace knows about accounts growing: the product's features, who uses which, and subscriptions.</summary>
/// <remarks>
/// Feature names are matched ignoring the case of ASCII letters (<see cref="FeatureNames"/>), in the catalogue and in
/// every usage, first-use and event row. A row names the feature as the catalogue spells it when the catalogue has it
/// (cataloguing a feature later respells the rows already stored), otherwise as the row first written for that key
/// spelled it; the catalogue keeps the spelling a feature was first catalogued with. Months are stored as their first
/// day (any day given is moved there); event times count in UTC. A usage row or event with 0 users records the month
/// but makes no first use.
/// </remarks>
public interface IGrowthStore
{
    /// <summary>The product's features, ordered by name.</summary>
    Task<IReadOnlyList<ProductFeature>> ListFeaturesAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates features by name (ignoring case); returns how many were new.</summary>
    Task<int> UpsertFeaturesAsync(IReadOnlyList<ProductFeature> features, CancellationToken cancellationToken = default);

    /// <summary>Feature usage rows of one account (or all when null), ordered by account, month and feature.</summary>
    Task<IReadOnlyList<FeatureUsageMonth>> ListFeatureUsageAsync(string? accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or updates rows by (account, month, feature); returns how many were new. A row with users moves the
    /// account's first use of the feature to that month's first day unless a first use within or before that month is
    /// already known.
    /// </summary>
    Task<int> UpsertFeatureUsageAsync(IReadOnlyList<FeatureUsageMonth> usage, CancellationToken cancellationToken = default);

    /// <summary>First uses of one account (or all when null), ordered by account, day and feature.</summary>
    Task<IReadOnlyList<FeatureFirstUse>> ListFirstUsesAsync(string? accountId, CancellationToken cancellationToken = default);

    /// <summary>Records first uses, keeping the earlier day when one is already known; returns how many were new.</summary>
    Task<int> UpsertFirstUsesAsync(IReadOnlyList<FeatureFirstUse> firstUses, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <c>feature_used</c> events, each id once (a re-sent event changes nothing), atomically per batch; returns
    /// how many were new and the first uses they made (an account using a feature for the first time ever).
    /// </summary>
    Task<FeatureEventsApplied> ApplyFeatureEventsAsync(IReadOnlyList<FeatureEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Subscription changes of one account (or all when null), ordered by account, day and id.</summary>
    Task<IReadOnlyList<SubscriptionChange>> ListSubscriptionsAsync(string? accountId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates subscription changes by id; returns how many were new.</summary>
    Task<int> UpsertSubscriptionsAsync(IReadOnlyList<SubscriptionChange> changes, CancellationToken cancellationToken = default);
}

/// <summary>What applying a batch of feature events did.</summary>
public sealed record FeatureEventsApplied(int Applied, IReadOnlyList<FeatureFirstUse> FirstUses);
