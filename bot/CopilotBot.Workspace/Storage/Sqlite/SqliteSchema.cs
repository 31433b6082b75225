namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>Versioned migrations; <c>PRAGMA user_version</c> records the last one applied.</summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE users(
            id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL, manager_id TEXT);
        CREATE TABLE accounts(
            id TEXT PRIMARY KEY, name TEXT NOT NULL, tier TEXT NOT NULL, arr REAL NOT NULL, region TEXT NOT NULL,
            industry TEXT NOT NULL, owner_id TEXT, renewal_date TEXT, signup_date TEXT, seats INTEGER,
            status TEXT NOT NULL, churned_on TEXT);
        CREATE INDEX accounts_owner ON accounts(owner_id);
        CREATE TABLE usage_monthly(
            account_id TEXT NOT NULL, month TEXT NOT NULL, active_users INTEGER NOT NULL, logins INTEGER NOT NULL,
            feature_adoption REAL NOT NULL, PRIMARY KEY(account_id, month)) WITHOUT ROWID;
        CREATE TABLE payments(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL, due_date TEXT NOT NULL, paid_date TEXT,
            amount REAL NOT NULL, status TEXT NOT NULL);
        CREATE INDEX payments_account ON payments(account_id, due_date);
        CREATE TABLE conversations(
            id TEXT PRIMARY KEY, account_id TEXT, started_at TEXT NOT NULL, topic TEXT, sentiment REAL,
            channel TEXT, subject TEXT);
        CREATE INDEX conversations_account ON conversations(account_id, started_at);
        CREATE INDEX conversations_started ON conversations(started_at);
        CREATE TABLE conversation_turns(
            conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, speaker TEXT NOT NULL, at TEXT NOT NULL,
            text TEXT NOT NULL, PRIMARY KEY(conversation_id, seq)) WITHOUT ROWID;
        CREATE TABLE tasks(
            id TEXT PRIMARY KEY, account_id TEXT, title TEXT NOT NULL, due_date TEXT, assignee_id TEXT,
            status TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT, completed_at TEXT);
        CREATE INDEX tasks_assignee ON tasks(assignee_id, status);
        CREATE TABLE interventions(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, risk REAL,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL, draft TEXT, outcome_at TEXT, outcome_by TEXT);
        CREATE INDEX interventions_account ON interventions(account_id, created_at);
        CREATE TABLE audit_log(
            seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT,
            details TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TABLE conversation_state(
            conversation_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
        """,
        """
        ALTER TABLE interventions ADD COLUMN decided_by TEXT;
        ALTER TABLE interventions ADD COLUMN decided_at TEXT;
        """,
        """
        CREATE TABLE conversation_refs(
            user_id TEXT NOT NULL, channel TEXT NOT NULL, conversation_id TEXT NOT NULL, reference TEXT NOT NULL,
            last_seen TEXT NOT NULL, PRIMARY KEY(user_id, channel)) WITHOUT ROWID;
        CREATE TABLE inbound_events(key TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX inbound_events_at ON inbound_events(at);
        CREATE TABLE usage_events(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL, at TEXT NOT NULL, logins INTEGER NOT NULL,
            active_users INTEGER, feature_adoption REAL);
        CREATE INDEX usage_events_account ON usage_events(account_id, at);
        CREATE TABLE alerts(
            id TEXT PRIMARY KEY, trigger TEXT NOT NULL, account_id TEXT NOT NULL, recipient_id TEXT NOT NULL,
            priority INTEGER NOT NULL, summary TEXT NOT NULL, dedupe_key TEXT NOT NULL UNIQUE, raised_at TEXT NOT NULL,
            delivery TEXT NOT NULL, delivered_at TEXT, delivered_via TEXT);
        CREATE INDEX alerts_recipient ON alerts(recipient_id, raised_at);
        CREATE TABLE alert_dismissals(
            user_id TEXT NOT NULL, trigger TEXT NOT NULL, account_id TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY(user_id, trigger, account_id)) WITHOUT ROWID;
        """,
        """
        CREATE TABLE user_identities(
            channel TEXT NOT NULL, external_id TEXT NOT NULL COLLATE NOCASE, user_id TEXT NOT NULL,
            PRIMARY KEY(channel, external_id)) WITHOUT ROWID;
        CREATE INDEX user_identities_user ON user_identities(user_id);
        """,
        // Shared by instances on one database (PostgreSQL); kept here too so both providers have the same stores.
        """
        CREATE TABLE rate_limits(key TEXT PRIMARY KEY, tat INTEGER NOT NULL, granted INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX rate_limits_tat ON rate_limits(tat);
        CREATE TABLE chart_images(hash TEXT PRIMARY KEY, png BLOB NOT NULL, saved_at TEXT NOT NULL);
        CREATE INDEX chart_images_saved ON chart_images(saved_at);
        """,
        """
        CREATE TABLE models(
            kind TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, summary TEXT NOT NULL,
            document TEXT NOT NULL, PRIMARY KEY(kind, version));
        """,
        // Versions of the tables a process keeps in memory (IDataVersions), raised by every write whoever makes it, from a
        // random start so that a database created afresh at the same path never repeats a version of the one before.
        "CREATE TABLE data_versions(name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;\n" +
            string.Concat(new[] { "accounts", "usage_monthly", "payments", "conversations" }.Select(table =>
                $"INSERT INTO data_versions(name, version) VALUES('{table}', abs(random() / 4));\n" +
                string.Concat(new[] { "INSERT", "UPDATE", "DELETE" }.Select(change =>
                    $"CREATE TRIGGER {table}_{change.ToLowerInvariant()} AFTER {change} ON {table} " +
                    $"BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{table}'; END;\n")))),
        // Growth: the product's features, who uses which and since when, feature events, subscriptions. Feature names
        // are compared ignoring (ASCII) case, as PostgreSQL's lower() under the "C" collation does; ARR is decimal text
        // (exact). The data tables get versions like the ones above.
        """
        CREATE TABLE product_features(
            name TEXT NOT NULL COLLATE NOCASE PRIMARY KEY, requires TEXT NOT NULL, min_plan TEXT NOT NULL,
            key INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE feature_usage(
            account_id TEXT NOT NULL, month TEXT NOT NULL, feature TEXT NOT NULL COLLATE NOCASE, users INTEGER NOT NULL,
            PRIMARY KEY(account_id, month, feature)) WITHOUT ROWID;
        CREATE TABLE feature_first_uses(
            account_id TEXT NOT NULL, feature TEXT NOT NULL COLLATE NOCASE, first_used_on TEXT NOT NULL,
            PRIMARY KEY(account_id, feature)) WITHOUT ROWID;
        CREATE TABLE feature_events(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL, feature TEXT NOT NULL, at TEXT NOT NULL, users INTEGER NOT NULL);
        CREATE INDEX feature_events_account ON feature_events(account_id, at);
        CREATE TABLE subscriptions(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL, on_date TEXT NOT NULL, plan TEXT NOT NULL, seats INTEGER NOT NULL,
            arr TEXT NOT NULL);
        CREATE INDEX subscriptions_account ON subscriptions(account_id, on_date);

        """ + Versioned(IDataVersions.GrowthTables),
    ];

    /// <summary>Version rows (from a random start) and the triggers that raise them, for data tables.</summary>
    private static string Versioned(IEnumerable<string> tables) =>
        string.Concat(tables.Select(table =>
            $"INSERT INTO data_versions(name, version) VALUES('{table}', abs(random() / 4));\n" +
            string.Concat(new[] { "INSERT", "UPDATE", "DELETE" }.Select(change =>
                $"CREATE TRIGGER {table}_{change.ToLowerInvariant()} AFTER {change} ON {table} " +
                $"BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{table}'; END;\n"))));

    /// <summary>The data tables, in the order a canonical dump lists them (with their key columns).</summary>
    public static readonly (string Table, string OrderBy)[] DataTables =
    [
        ("users", "id"),
        ("accounts", "id"),
        ("usage_monthly", "account_id, month"),
        ("payments", "id"),
        ("conversations", "id"),
        ("conversation_turns", "conversation_id, seq"),
        ("tasks", "id"),
        ("interventions", "id"),
        ("product_features", "name"),
        ("feature_usage", "account_id, month, feature"),
        ("feature_first_uses", "account_id, feature"),
        ("subscriptions", "id"),
    ];
}
