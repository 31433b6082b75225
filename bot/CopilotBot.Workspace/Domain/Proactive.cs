namespace CopilotBot.Workspace.Domain;

/// <summary>
/// Where a user can be reached without them asking first: the latest conversation they used in a channel, with the
/// channel's own reference document (Bot Framework conversation reference, Slack channel id, web conversation id).
/// </summary>
public sealed record ConversationReference(
    string UserId,
    string Channel,
    string ConversationId,
    string Reference,
    DateTimeOffset LastSeen);

/// <summary>One usage event for an account (a login burst, a daily roll-up): applied on top of the monthly usage.</summary>
/// <param name="Id">The sender's id for the event; the same id applied twice counts once.</param>
/// <param name="Logins">Logins to add to the month of <paramref name="At"/>.</param>
/// <param name="ActiveUsers">Active users seen; the month keeps the highest figure.</param>
/// <param name="FeatureAdoption">Share of features in use (0–1); the month keeps the latest figure.</param>
public sealed record UsageEvent(
    string Id,
    string AccountId,
    DateTimeOffset At,
    int Logins,
    int? ActiveUsers,
    double? FeatureAdoption);

/// <summary>How an alert reached (or will reach) its recipient.</summary>
public enum AlertDelivery
{
    /// <summary>To be sent as a proactive message.</summary>
    Pending,

    /// <summary>Sent as a proactive message.</summary>
    Sent,

    /// <summary>Held for the daily digest (rate limit reached, dismissed type, or no channel to reach the user).</summary>
    Digest,

    /// <summary>Included in a digest that was sent.</summary>
    Digested,
}

/// <summary>A proactive alert raised by a trigger for an account's owner.</summary>
/// <param name="DedupeKey">Trigger, account and period: one alert per key, whichever instance raises it.</param>
public sealed record Alert(
    string Id,
    string Trigger,
    string AccountId,
    string RecipientId,
    int Priority,
    string Summary,
    string DedupeKey,
    DateTimeOffset RaisedAt,
    AlertDelivery Delivery = AlertDelivery.Pending,
    DateTimeOffset? DeliveredAt = null,
    string? DeliveredVia = null);

/// <summary>A user asked not to be alerted about a trigger for an account (lowers that trigger's priority for them).</summary>
public sealed record AlertDismissal(string UserId, string Trigger, string AccountId, DateTimeOffset At);
