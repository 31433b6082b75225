using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>The SQLite stores over one database file (the default: <c>copilot.db</c> in the workspace folder).</summary>
public sealed class SqliteWorkspaceStores : IWorkspaceStores
{
    public SqliteWorkspaceStores(string path)
    {
        Db = new SqliteDb(path);
        DataVersions = new SqliteDataVersions(Db);
        Accounts = new CachedAccountStore(new SqliteAccountStore(Db), DataVersions);
        Users = new SqliteUserStore(Db);
        Activity = new SqliteActivityStore(Db);
        Conversations = new SqliteConversationStore(Db);
        Tasks = new SqliteTaskStore(Db);
        Interventions = new SqliteInterventionStore(Db);
        Audit = new SqliteAuditLog(Db);
        Meta = new SqliteWorkspaceMeta(Db);
        ConversationState = new SqliteConversationStateStore(Db);
        ConversationReferences = new SqliteConversationReferenceStore(Db);
        InboundEvents = new SqliteInboundEventLog(Db);
        Alerts = new SqliteAlertStore(Db);
        RateLimits = new SqliteRateLimitStore(Db);
        ChartImages = new SqliteChartImageStore(Db);
        Models = new SqliteModelStore(Db);
        Growth = new SqliteGrowthStore(Db);
    }

    public SqliteDb Db { get; }

    public string Location => Db.Path;

    public IAccountStore Accounts { get; }

    public IUserStore Users { get; }

    public IActivityStore Activity { get; }

    public IConversationStore Conversations { get; }

    public ITaskStore Tasks { get; }

    public IInterventionStore Interventions { get; }

    public IAuditLog Audit { get; }

    public IWorkspaceMeta Meta { get; }

    public IConversationStateStore ConversationState { get; }

    public IConversationReferenceStore ConversationReferences { get; }

    public IInboundEventLog InboundEvents { get; }

    public IAlertStore Alerts { get; }

    public IRateLimitStore RateLimits { get; }

    public IChartImageStore ChartImages { get; }

    public IModelStore Models { get; }

    public IGrowthStore Growth { get; }

    public IDataVersions DataVersions { get; }

    public Task<WorkspaceWriteResult> WriteAsync(
        WorkspaceBatch batch,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = Db.Open();
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is held from here, so the emptiness check and the
        // writes cannot interleave with another writer's.
        using SqliteTransaction tx = c.BeginTransaction();
        if (batch.OnlyIfEmpty)
        {
            using SqliteCommand count = c.Command("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM users)", tx);
            if (Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
            {
                return Task.FromResult(WorkspaceWriteResult.Skipped);
            }
        }

        double total = Math.Max(1, batch.RowCount), done = 0;
        int inserted = 0;
        void Step(int rows, int newRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            inserted += newRows;
            done += rows;
            progress?.Report(done / total);
        }

        Step(batch.Users.Count, SqliteUserStore.Upsert(c, tx, batch.Users));
        Step(batch.Accounts.Count, SqliteAccountStore.Upsert(c, tx, batch.Accounts));
        Step(batch.Usage.Count, SqliteActivityStore.UpsertUsage(c, tx, batch.Usage));
        Step(batch.Payments.Count, SqliteActivityStore.UpsertPayments(c, tx, batch.Payments));
        Step(batch.Conversations.Count, SqliteConversationStore.Upsert(c, tx, batch.Conversations));
        Step(batch.Tasks.Count, SqliteTaskStore.Write(c, tx, batch.Tasks));
        Step(batch.Interventions.Count, SqliteInterventionStore.Upsert(c, tx, batch.Interventions));
        Step(batch.Features.Count, SqliteGrowthStore.UpsertFeatures(c, tx, batch.Features));
        Step(batch.FeatureUsage.Count, SqliteGrowthStore.UpsertFeatureUsage(c, tx, batch.FeatureUsage));
        Step(batch.FirstUses.Count, SqliteGrowthStore.UpsertFirstUses(c, tx, batch.FirstUses));
        Step(batch.Subscriptions.Count, SqliteGrowthStore.UpsertSubscriptions(c, tx, batch.Subscriptions));
        foreach ((string key, string value) in batch.Meta)
        {
            using SqliteCommand meta = c.Command(
                "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", tx)
                .With("$k", key).With("$v", value);
            meta.ExecuteNonQuery();
        }

        tx.Commit();
        return Task.FromResult(new WorkspaceWriteResult(true, inserted));
    }

    /// <summary>Releases this file's pooled connections (so a temporary workspace folder can be deleted).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(Db.ConnectionString);
        SqliteConnection.ClearPool(connection);
    }
}
