using CopilotBot.Workspace.Domain;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>Rows for the contract tests: whole-second UTC times unless a test is about time itself.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static User User(string id, UserRole role = UserRole.Csm, string? manager = null) =>
        new(id, "Name of " + id, id + "@example.com", role, manager);

    public static Account Account(string id, string? owner = "csm.one", Tier tier = Tier.Gold, Region region = Region.EMEA, AccountStatus status = AccountStatus.Active) =>
        new(id, "Account " + id, tier, 120_000.50m, region, "Software", owner, new DateOnly(2027, 3, 31), new DateOnly(2021, 5, 1), 250, status,
            status == AccountStatus.Churned ? new DateOnly(2026, 10, 1) : null);

    public static SupportConversation Conversation(string id, string? account, DateTimeOffset startedAt) =>
        new(id, account, startedAt, "billing", -0.25, "email", "Invoice " + id);

    public static ConversationTurn Turn(string conversation, int seq, DateTimeOffset at, string text, Speaker speaker = Speaker.Customer) =>
        new(conversation, seq, speaker, at, text);

    public static CrmTask Task(string id, string? assignee = "csm.one", DateOnly? due = null, TaskState status = TaskState.Open) =>
        new(id, "P1", "Call " + id, due, assignee, status, Noon, "csm.one", status == TaskState.Done ? Noon : null);

    public static Intervention Intervention(
        string id,
        string account,
        DateTimeOffset createdAt,
        InterventionStatus status = InterventionStatus.Pending,
        string createdBy = "agent") =>
        new(id, account, "email", status, 0.91, createdAt, createdBy, "Hello " + account, null, null);

    public static Alert Alert(string id, string recipient, DateTimeOffset raisedAt, string? dedupeKey = null, AlertDelivery delivery = AlertDelivery.Pending) =>
        new(id, "usage_drop", "P1", recipient, 2, "Usage fell at P1", dedupeKey ?? "usage_drop|P1|" + id, raisedAt, delivery);
}
