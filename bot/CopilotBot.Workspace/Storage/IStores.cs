using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>Filters for account queries; null means "any".</summary>
public sealed record AccountQuery(
    IReadOnlyCollection<string>? OwnerIds = null,
    Tier? Tier = null,
    Region? Region = null,
    string? Industry = null,
    AccountStatus? Status = AccountStatus.Active);

/// <summary>Accounts and who owns them.</summary>
public interface IAccountStore
{
    Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Account>> ListAsync(AccountQuery query, CancellationToken cancellationToken = default);

    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates by id; returns how many were inserted (the rest were updated).</summary>
    Task<int> UpsertAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken = default);
}

/// <summary>
/// A version per data table that a process may keep in memory (accounts; the history tables the churn scores are
/// computed from; the growth tables the adoption and expansion analyses read), raised by a database trigger on every committed insert, update or delete, whoever makes it: this
/// process, a command-line import, another instance on the same PostgreSQL or a person in SQL. A version starts at a
/// random number, so a database made afresh never repeats one its predecessor had.
/// </summary>
public interface IDataVersions
{
    /// <summary>The tables account histories (the churn scores) are computed from.</summary>
    public static readonly IReadOnlyList<string> HistoryTables = ["accounts", "usage_monthly", "payments", "conversations"];

    /// <summary>The growth tables (see <see cref="IGrowthStore"/>): features, feature usage, first uses, subscriptions.</summary>
    public static readonly IReadOnlyList<string> GrowthTables = ["product_features", "feature_usage", "feature_first_uses", "subscriptions"];

    /// <summary>The tables that have a version.</summary>
    public static readonly IReadOnlyList<string> Tables = [.. HistoryTables, .. GrowthTables];

    /// <summary>The table's version, or null when it has none (its row removed by hand): then nothing cached from it can be trusted.</summary>
    Task<long?> GetAsync(string table, CancellationToken cancellationToken = default);
}

public static class DataVersionStamps
{
    /// <summary>
    /// The versions of <paramref name="tables"/> as one stamp: two loads under the same stamp read the same data. Null
    /// when that cannot be told (no versions, or a table without one). Read it before the data it vouches for.
    /// </summary>
    public static async Task<string?> StampAsync(this IDataVersions? versions, IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        if (versions is null)
        {
            return null;
        }

        var stamp = new List<long>(tables.Count);
        foreach (string table in tables)
        {
            if (await versions.GetAsync(table, cancellationToken) is not { } version)
            {
                return null;
            }

            stamp.Add(version);
        }

        return string.Join('.', stamp);
    }
}

/// <summary>Users and their roles.</summary>
public interface IUserStore
{
    Task<User?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken = default);

    Task<int> UpsertAsync(IReadOnlyList<User> users, CancellationToken cancellationToken = default);

    /// <summary>
    /// Maps channel identities to users, by (channel, external id): a new one is added, an existing one moves to the
    /// given user. Returns how many were new.
    /// </summary>
    Task<int> UpsertIdentitiesAsync(IReadOnlyList<UserIdentity> identities, CancellationToken cancellationToken = default);

    /// <summary>The user id mapped to this channel identity (external id compared ignoring ASCII case), or null.</summary>
    Task<string?> FindByIdentityAsync(string channel, string externalId, CancellationToken cancellationToken = default);

    /// <summary>Every mapped identity, ordered by user, channel and external id.</summary>
    Task<IReadOnlyList<UserIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default);
}

/// <summary>Monthly usage and payment history.</summary>
public interface IActivityStore
{
    Task<IReadOnlyList<UsageMonth>> GetUsageAsync(string accountId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Payment>> GetPaymentsAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>All usage rows, ordered by account and month (for model training and portfolio views).</summary>
    Task<IReadOnlyList<UsageMonth>> ListUsageAsync(CancellationToken cancellationToken = default);

    /// <summary>All payments, ordered by account and due date.</summary>
    Task<IReadOnlyList<Payment>> ListPaymentsAsync(CancellationToken cancellationToken = default);

    Task<int> UpsertUsageAsync(IReadOnlyList<UsageMonth> usage, CancellationToken cancellationToken = default);

    Task<int> UpsertPaymentsAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies usage events onto the monthly rows, each event id once (a re-sent event changes nothing), atomically per
    /// batch; returns how many events were new.
    /// </summary>
    Task<int> ApplyUsageEventsAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default);

    /// <summary>The time of each account's latest usage event with at least one login.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> ListLastActivityAsync(CancellationToken cancellationToken = default);
}

/// <summary>Support conversations with their turns.</summary>
public interface IConversationStore
{
    Task<SupportConversation?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ConversationTurn>> GetTurnsAsync(string conversationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SupportConversation>> ListAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default);

    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>All turns of the conversations that started in the range (and belong to the account, when given).</summary>
    Task<IReadOnlyList<ConversationTurn>> ListTurnsAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces conversations and their turns (a conversation's turns are replaced as a whole).</summary>
    Task<int> UpsertAsync(
        IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> conversations,
        CancellationToken cancellationToken = default);
}

/// <summary>CRM tasks in the embedded CRM.</summary>
public interface ITaskStore
{
    Task<CrmTask?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CrmTask>> ListAsync(
        string? assigneeId,
        string? accountId,
        TaskState? status,
        CancellationToken cancellationToken = default);

    /// <summary>Creates a task with the next free id (T1, T2, …).</summary>
    Task<CrmTask> CreateAsync(CrmTask draft, CancellationToken cancellationToken = default);

    Task<int> UpsertAsync(IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken = default);

    Task<CrmTask?> CompleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}

/// <summary>Interventions and their outcomes.</summary>
public interface IInterventionStore
{
    Task<IReadOnlyList<Intervention>> ListAsync(string? accountId, CancellationToken cancellationToken = default);

    Task<int> UpsertAsync(IReadOnlyList<Intervention> interventions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an intervention only if the guardrails allow it, checked and written in one write transaction so that
    /// concurrent runs (threads or processes) cannot both pass: fewer than <paramref name="maxPerHour"/> interventions
    /// by <see cref="Intervention.CreatedBy"/> in the hour before its creation (approval requests are not actions and do not count), and none for the same account within
    /// <paramref name="dedupeDays"/> days.
    /// </summary>
    Task<GuardedCreate> TryCreateAsync(Intervention intervention, int maxPerHour, int dedupeDays, CancellationToken cancellationToken = default);

    Task<Intervention?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Approves (→ pending: the action goes ahead) or rejects a pending approval request, once: a compare-and-set on
    /// its status, so a second click, a concurrent click or a click after it expired changes nothing.
    /// </summary>
    Task<ApprovalDecision> DecideAsync(string id, bool approve, string decidedBy, DateTimeOffset at, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the draft of a pending approval request (an approver's edit before deciding), with the same compare-and-set
    /// as <see cref="DecideAsync"/>: a request already decided or expired keeps its draft, and the answer says which.
    /// </summary>
    Task<ApprovalDecision> ReviseDraftAsync(string id, string draft, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default);
}

/// <summary>What a click on an approval did.</summary>
public enum ApprovalDecision
{
    Applied,
    AlreadyDecided,
    Expired,
    NotFound,
}

public static class ApprovalDecisions
{
    /// <summary>
    /// Why a change guarded by "still waiting for its approver" changed nothing, from the request's status as it is now:
    /// no such request, still waiting (so it expired), or decided already.
    /// </summary>
    public static ApprovalDecision Of(string? statusNow) => statusNow switch
    {
        null => ApprovalDecision.NotFound,
        "pending_approval" => ApprovalDecision.Expired,
        _ => ApprovalDecision.AlreadyDecided,
    };
}

/// <summary>What a guarded create did.</summary>
public enum GuardedCreate
{
    Created,
    RateLimited,
    Duplicate,
}

/// <summary>An append-only log where each entry carries the hash of the previous one.</summary>
public interface IAuditLog
{
    Task<AuditEntry> AppendAsync(
        string actor,
        string action,
        string? target,
        string? details,
        DateTimeOffset at,
        CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditEntry>> ReadAsync(
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Small key/value facts about the workspace (seed, demo flag, as-of date).</summary>
public interface IWorkspaceMeta
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task SetAsync(string key, string value, CancellationToken cancellationToken = default);
}

/// <summary>Per-conversation state (e.g. the router's memory), kept as an opaque JSON document.</summary>
public interface IConversationStateStore
{
    Task<string?> GetAsync(string conversationId, CancellationToken cancellationToken = default);

    Task SetAsync(string conversationId, string state, DateTimeOffset at, CancellationToken cancellationToken = default);
}
