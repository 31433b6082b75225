using CopilotBot.Workspace.Storage;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Versioned migrations, numbered like the SQLite ones (version i here is version i there) so both providers evolve
/// together; <c>schema_migrations</c> records which ran. Text columns use the "C" collation so that keys sort and
/// compare byte by byte, as SQLite's do, whatever the database's default collation.
/// </summary>
internal static class PostgresSchema
{
    private const string T = "text COLLATE \"C\"";

    public static readonly (string Description, string Sql)[] Migrations =
    [
        ("workspace tables", $"""
            CREATE TABLE meta(key {T} PRIMARY KEY, value text NOT NULL);
            CREATE TABLE users(
                id {T} PRIMARY KEY, name {T} NOT NULL, email {T} NOT NULL, role {T} NOT NULL, manager_id {T});
            CREATE INDEX users_id_nocase ON users(lower(id));
            CREATE TABLE accounts(
                id {T} PRIMARY KEY, name {T} NOT NULL, tier {T} NOT NULL, arr numeric NOT NULL, region {T} NOT NULL,
                industry {T} NOT NULL, owner_id {T}, renewal_date date, signup_date date, seats integer,
                status {T} NOT NULL, churned_on date);
            CREATE INDEX accounts_owner ON accounts(owner_id);
            CREATE TABLE usage_monthly(
                account_id {T} NOT NULL, month date NOT NULL, active_users integer NOT NULL, logins integer NOT NULL,
                feature_adoption double precision NOT NULL, PRIMARY KEY(account_id, month));
            CREATE TABLE payments(
                id {T} PRIMARY KEY, account_id {T} NOT NULL, due_date date NOT NULL, paid_date date,
                amount numeric NOT NULL, status {T} NOT NULL);
            CREATE INDEX payments_account ON payments(account_id, due_date);
            CREATE TABLE conversations(
                id {T} PRIMARY KEY, account_id {T}, started_at timestamptz NOT NULL, topic {T}, sentiment double precision,
                channel {T}, subject {T});
            CREATE INDEX conversations_account ON conversations(account_id, started_at);
            CREATE INDEX conversations_started ON conversations(started_at);
            CREATE TABLE conversation_turns(
                conversation_id {T} NOT NULL, seq integer NOT NULL, speaker {T} NOT NULL, at timestamptz NOT NULL,
                text text NOT NULL, PRIMARY KEY(conversation_id, seq));
            CREATE TABLE tasks(
                id {T} PRIMARY KEY, account_id {T}, title {T} NOT NULL, due_date date, assignee_id {T},
                status {T} NOT NULL, created_at timestamptz NOT NULL, created_by {T}, completed_at timestamptz);
            CREATE INDEX tasks_assignee ON tasks(assignee_id, status);
            CREATE INDEX tasks_id_nocase ON tasks(lower(id));
            CREATE TABLE interventions(
                id {T} PRIMARY KEY, account_id {T} NOT NULL, kind {T} NOT NULL, status {T} NOT NULL, risk double precision,
                created_at timestamptz NOT NULL, created_by {T} NOT NULL, draft text, outcome_at timestamptz, outcome_by {T});
            CREATE INDEX interventions_account ON interventions(account_id, created_at);
            CREATE INDEX interventions_creator ON interventions(created_by, created_at);
            CREATE TABLE audit_log(
                seq bigint PRIMARY KEY, at timestamptz NOT NULL, actor {T} NOT NULL, action {T} NOT NULL, target {T},
                details text, prev_hash {T} NOT NULL, hash {T} NOT NULL);
            CREATE INDEX audit_log_at ON audit_log(at);
            CREATE TABLE conversation_state(
                conversation_id {T} PRIMARY KEY, state text NOT NULL, updated_at timestamptz NOT NULL);
            """),
        ("approval decisions", $"""
            ALTER TABLE interventions ADD COLUMN decided_by {T}, ADD COLUMN decided_at timestamptz;
            """),
        ("proactive work: conversation references, inbound events, usage events, alerts", $"""
            CREATE TABLE conversation_refs(
                user_id {T} NOT NULL, channel {T} NOT NULL, conversation_id {T} NOT NULL, reference text NOT NULL,
                last_seen timestamptz NOT NULL, PRIMARY KEY(user_id, channel));
            CREATE TABLE inbound_events(key {T} PRIMARY KEY, at timestamptz NOT NULL);
            CREATE INDEX inbound_events_at ON inbound_events(at);
            CREATE TABLE usage_events(
                id {T} PRIMARY KEY, account_id {T} NOT NULL, at timestamptz NOT NULL, logins integer NOT NULL,
                active_users integer, feature_adoption double precision);
            CREATE INDEX usage_events_account ON usage_events(account_id, at);
            CREATE TABLE alerts(
                id {T} PRIMARY KEY, trigger {T} NOT NULL, account_id {T} NOT NULL, recipient_id {T} NOT NULL,
                priority integer NOT NULL, summary text NOT NULL, dedupe_key {T} NOT NULL UNIQUE, raised_at timestamptz NOT NULL,
                delivery {T} NOT NULL, delivered_at timestamptz, delivered_via {T});
            CREATE INDEX alerts_recipient ON alerts(recipient_id, raised_at);
            CREATE TABLE alert_dismissals(
                user_id {T} NOT NULL, trigger {T} NOT NULL, account_id {T} NOT NULL, at timestamptz NOT NULL,
                PRIMARY KEY(user_id, trigger, account_id));
            """),
        ("channel identities of users", $"""
            CREATE TABLE user_identities(channel {T} NOT NULL, external_id {T} NOT NULL, user_id {T} NOT NULL);
            CREATE UNIQUE INDEX user_identities_key ON user_identities(channel, lower(external_id));
            CREATE INDEX user_identities_user ON user_identities(user_id);
            """),
        ("shared turn limits and chart images", $"""
            CREATE TABLE rate_limits(key {T} PRIMARY KEY, tat bigint NOT NULL, granted boolean NOT NULL);
            CREATE INDEX rate_limits_tat ON rate_limits(tat);
            CREATE TABLE chart_images(hash {T} PRIMARY KEY, png bytea NOT NULL, saved_at timestamptz NOT NULL);
            CREATE INDEX chart_images_saved ON chart_images(saved_at);
            """),
        ("model versions", $"""
            CREATE TABLE models(
                kind {T} NOT NULL, version integer NOT NULL, created_at timestamptz NOT NULL, summary text NOT NULL,
                document text NOT NULL, PRIMARY KEY(kind, version));
            """),
        ("data versions (what a process keeps in memory)", $"""
            CREATE TABLE data_versions(name {T} PRIMARY KEY, version bigint NOT NULL);
            CREATE FUNCTION data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO data_versions(name, version) VALUES(TG_TABLE_NAME, floor(random() * 1e15)::bigint)
                    ON CONFLICT(name) DO UPDATE SET version = data_versions.version + 1;
                RETURN NULL;
            END $$;
            """ + string.Concat(new[] { "accounts", "usage_monthly", "payments", "conversations" }.Select(table => $"""
            INSERT INTO data_versions(name, version) VALUES('{table}', floor(random() * 1e15)::bigint);
            CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION data_changed();

            """))),
        // Feature names are keys ignoring case: unique indexes on lower(name), which under "C" folds ASCII letters only,
        // as SQLite's NOCASE does.
        ("growth: product features, feature usage and first uses, feature events, subscriptions", $"""
            CREATE TABLE product_features(name {T} NOT NULL, requires text[] NOT NULL, min_plan {T} NOT NULL, key boolean NOT NULL);
            CREATE UNIQUE INDEX product_features_name ON product_features(lower(name));
            CREATE TABLE feature_usage(account_id {T} NOT NULL, month date NOT NULL, feature {T} NOT NULL, users integer NOT NULL);
            CREATE UNIQUE INDEX feature_usage_key ON feature_usage(account_id, month, lower(feature));
            CREATE TABLE feature_first_uses(account_id {T} NOT NULL, feature {T} NOT NULL, first_used_on date NOT NULL);
            CREATE UNIQUE INDEX feature_first_uses_key ON feature_first_uses(account_id, lower(feature));
            CREATE TABLE feature_events(
                id {T} PRIMARY KEY, account_id {T} NOT NULL, feature {T} NOT NULL, at timestamptz NOT NULL, users integer NOT NULL);
            CREATE INDEX feature_events_account ON feature_events(account_id, at);
            CREATE TABLE subscriptions(
                id {T} PRIMARY KEY, account_id {T} NOT NULL, on_date date NOT NULL, plan {T} NOT NULL, seats integer NOT NULL,
                arr numeric NOT NULL);
            CREATE INDEX subscriptions_account ON subscriptions(account_id, on_date);

            """ + Versioned(IDataVersions.GrowthTables)),
    ];

    /// <summary>Version rows (from a random start) and the statement triggers that raise them (data_changed()).</summary>
    private static string Versioned(IEnumerable<string> tables) => string.Concat(tables.Select(table => $"""
        INSERT INTO data_versions(name, version) VALUES('{table}', floor(random() * 1e15)::bigint);
        CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION data_changed();

        """));
}
