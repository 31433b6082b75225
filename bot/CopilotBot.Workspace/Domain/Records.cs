namespace CopilotBot.Workspace.Domain;

/// <summary>A person who talks to the bot; CSMs own accounts, managers own CSMs.</summary>
public sealed record User(string Id, string Name, string Email, UserRole Role, string? ManagerId);

/// <summary>
/// Who a user is on a channel: <see cref="Channel"/> is one of <see cref="IdentityChannels"/>, <see cref="ExternalId"/>
/// the channel's id for them (compared ignoring ASCII case). One channel id belongs to one user at a time.
/// </summary>
public sealed record UserIdentity(string Channel, string ExternalId, string UserId);

/// <summary>The channels a user can be mapped from.</summary>
public static class IdentityChannels
{
    /// <summary>Microsoft Teams / Bot Framework: the Entra (Azure AD) object id, <c>from.aadObjectId</c>.</summary>
    public const string Teams = "teams";

    /// <summary>Slack: the member id, <c>U…</c> (or <c>W…</c>).</summary>
    public const string Slack = "slack";

    /// <summary>Any other name a person goes by on the web chat or the command line.</summary>
    public const string Alias = "alias";

    public static readonly IReadOnlyList<string> All = [Teams, Slack, Alias];
}

/// <summary>A customer account in the book of business.</summary>
public sealed record Account(
    string Id,
    string Name,
    Tier Tier,
    decimal Arr,
    Region Region,
    string Industry,
    string? OwnerId,
    DateOnly? RenewalDate,
    DateOnly? SignupDate,
    int? Seats,
    AccountStatus Status = AccountStatus.Active,
    DateOnly? ChurnedOn = null);

/// <summary>One month of product usage for an account; <see cref="Month"/> is the first day of the month.</summary>
public sealed record UsageMonth(
    string AccountId,
    DateOnly Month,
    int ActiveUsers,
    int Logins,
    double FeatureAdoption);

/// <summary>An invoice and whether (and when) it was paid.</summary>
public sealed record Payment(
    string Id,
    string AccountId,
    DateOnly DueDate,
    DateOnly? PaidDate,
    decimal Amount,
    PaymentStatus Status);

/// <summary>A support conversation: its header; turns are stored separately, ordered by <see cref="ConversationTurn.Seq"/>.</summary>
public sealed record SupportConversation(
    string Id,
    string? AccountId,
    DateTimeOffset StartedAt,
    string? Topic,
    double? Sentiment,
    string? Channel,
    string? Subject);

public sealed record ConversationTurn(
    string ConversationId,
    int Seq,
    Speaker Speaker,
    DateTimeOffset At,
    string Text);

/// <summary>A to-do in the CRM, owned by <see cref="AssigneeId"/>.</summary>
public sealed record CrmTask(
    string Id,
    string? AccountId,
    string Title,
    DateOnly? DueDate,
    string? AssigneeId,
    TaskState Status,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset? CompletedAt);

/// <summary>A planned action to rescue an account, and its outcome.</summary>
public sealed record Intervention(
    string Id,
    string AccountId,
    string Kind,
    InterventionStatus Status,
    double? Risk,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    string? Draft,
    DateTimeOffset? OutcomeAt,
    string? OutcomeBy)
{
    /// <summary>Who approved or rejected it (Platinum approval requests), and when.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }
}

/// <summary>One entry of the tamper-evident audit log.</summary>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset At,
    string Actor,
    string Action,
    string? Target,
    string? Details,
    string PrevHash,
    string Hash);
