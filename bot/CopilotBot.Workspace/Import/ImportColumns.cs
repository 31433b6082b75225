namespace CopilotBot.Workspace.Import;

/// <summary>
/// The documented columns of each import kind (names are matched ignoring case, spaces and underscores).
/// The first name of each entry is the documented one; the rest are accepted synonyms.
/// </summary>
public static class ImportColumns
{
    public static readonly IReadOnlyDictionary<ImportKind, (string[] Required, string[] Optional)> Documented =
        new Dictionary<ImportKind, (string[], string[])>
        {
            [ImportKind.Accounts] = (["id", "name", "tier", "arr", "region"], ["industry", "owner", "renewal_date", "signup_date", "seats", "status", "churned_on"]),
            [ImportKind.Users] = (["id", "name", "role"], ["email", "manager", "teams_aad_id", "slack_id", "aliases"]),
            [ImportKind.Usage] = (["account_id", "month", "active_users"], ["logins", "feature_adoption"]),
            [ImportKind.Payments] = (["id", "account_id", "due_date", "amount"], ["paid_date", "status"]),
            [ImportKind.Conversations] = (["conversation_id"], ["account_id", "timestamp", "speaker", "text", "turn", "topic", "sentiment", "channel", "subject", "turns (JSONL: [{speaker, text, timestamp}])"]),
            [ImportKind.Tasks] = (["title"], ["id", "account_id", "due_date", "assignee", "status", "created_at"]),
            [ImportKind.Features] = (["name"], ["requires (features separated by ;)", "min_plan (starter/pro/enterprise)", "key (true/false/yes/no)"]),
            [ImportKind.Subscriptions] = (["account_id", "date", "plan", "seats", "arr"], ["id (derived from account and date if absent)"]),
        };

    internal static readonly string[] AccountId = ["accountid", "account", "customerid"];
    internal static readonly string[] Id = ["id"];
    internal static readonly string[] ConversationId = ["conversationid", "conversation", "threadid", "ticketid"];
    internal static readonly string[] Timestamp = ["timestamp", "at", "createdat", "time", "date", "startedat", "syntheticstartutc"];

    /// <summary>Normalised names that satisfy each required column.</summary>
    internal static string[] Accepts(string documented) => SourceRow.Normalize(documented) switch
    {
        "accountid" => AccountId,
        "conversationid" => ConversationId,
        "id" => ["id", "invoiceid", "taskid", "userid", "accountid"],
        "month" => ["month", "period"],
        "activeusers" => ["activeusers", "mau", "users"],
        "amount" => ["amount", "total"],
        "duedate" => ["duedate", "due"],
        "date" => ["date", "on", "effectivedate"],
        var other => [other],
    };
}
