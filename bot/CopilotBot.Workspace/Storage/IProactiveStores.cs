using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>The latest conversation reference per user and channel, for proactive messages.</summary>
public interface IConversationReferenceStore
{
    /// <summary>Inserts or replaces the reference for (user, channel).</summary>
    Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default);

    /// <summary>The user's references, the most recently used channel first.</summary>
    Task<IReadOnlyList<ConversationReference>> ListAsync(string userId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Keys of inbound deliveries already handled (Slack event ids, usage event ids), so a retry delivered to any instance
/// is handled once.
/// </summary>
public interface IInboundEventLog
{
    /// <summary>Records the key; false when it was already recorded.</summary>
    Task<bool> TryMarkSeenAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Forgets keys recorded before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets keys starting with <paramref name="keyPrefix"/> recorded before <paramref name="before"/>; returns how many.
    /// Channel retry ids are pruned this way, so the other keys in the log (one digest per person per day) are kept.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, string keyPrefix, CancellationToken cancellationToken = default);
}

/// <summary>What raising an alert did.</summary>
public enum AlertRaise
{
    /// <summary>Stored for immediate delivery.</summary>
    Raised,

    /// <summary>Stored, but held for the digest: the recipient had reached the hourly limit.</summary>
    Held,

    /// <summary>An alert with the same dedupe key exists; nothing stored.</summary>
    Duplicate,
}

/// <summary>Proactive alerts, their delivery and users' dismissals.</summary>
public interface IAlertStore
{
    /// <summary>
    /// Stores the alert unless one with the same <see cref="Alert.DedupeKey"/> exists; when the recipient already has
    /// <paramref name="maxImmediatePerHour"/> or more alerts raised for immediate delivery in the hour before this one,
    /// it is stored for the digest instead. Checked and written atomically (concurrent instances included).
    /// </summary>
    Task<AlertRaise> TryRaiseAsync(Alert alert, int maxImmediatePerHour, CancellationToken cancellationToken = default);

    Task<Alert?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Alerts for a recipient (any when null) raised in [from, to), optionally in one delivery state, oldest first.</summary>
    Task<IReadOnlyList<Alert>> ListAsync(
        string? recipientId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        AlertDelivery? delivery,
        CancellationToken cancellationToken = default);

    /// <summary>Moves an alert from <paramref name="expected"/> to <paramref name="delivery"/> once (compare-and-set); false if it was not in that state.</summary>
    Task<bool> MarkAsync(string id, AlertDelivery expected, AlertDelivery delivery, string? via, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records (or refreshes) a dismissal.</summary>
    Task DismissAsync(AlertDismissal dismissal, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AlertDismissal>> ListDismissalsAsync(string userId, CancellationToken cancellationToken = default);
}
