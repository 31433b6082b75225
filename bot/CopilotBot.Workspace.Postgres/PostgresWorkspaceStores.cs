using System.Globalization;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// The workspace stores on one PostgreSQL database, through one pooled <see cref="NpgsqlDataSource"/>. Several bot
/// instances can share the database: the agent's hourly cap, approval decisions, the audit chain, task ids and the
/// deduplication of inbound events and alerts, the per-user turn limit and chart images hold across them (advisory locks,
/// compare-and-set updates, unique keys, one-statement upserts).
/// </summary>
public sealed class PostgresWorkspaceStores : IWorkspaceStores
{
    private readonly NpgsqlDataSource _db;

    private PostgresWorkspaceStores(NpgsqlDataSource db, string location)
    {
        _db = db;
        Location = location;
        DataVersions = new PostgresDataVersions(db);
        Accounts = new CachedAccountStore(new PostgresAccountStore(db), DataVersions);
        Users = new PostgresUserStore(db);
        Activity = new PostgresActivityStore(db);
        Conversations = new PostgresConversationStore(db);
        Tasks = new PostgresTaskStore(db);
        Interventions = new PostgresInterventionStore(db);
        Audit = new PostgresAuditLog(db);
        Meta = new PostgresWorkspaceMeta(db);
        ConversationState = new PostgresConversationStateStore(db);
        ConversationReferences = new PostgresConversationReferenceStore(db);
        InboundEvents = new PostgresInboundEventLog(db);
        Alerts = new PostgresAlertStore(db);
        RateLimits = new PostgresRateLimitStore(db);
        ChartImages = new PostgresChartImageStore(db);
        Models = new PostgresModelStore(db);
        Growth = new PostgresGrowthStore(db);
    }

    /// <summary>The schema version this build migrates to (the number of migrations it knows).</summary>
    public static int SchemaVersion => PostgresSchema.Migrations.Length;

    public string Location { get; }

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

    /// <summary>Connects, applies any missing migrations (one instance at a time) and returns the stores.</summary>
    /// <exception cref="WorkspaceException">The connection string is malformed, or the server cannot be reached or refuses it.</exception>
    public static async Task<PostgresWorkspaceStores> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message would echo the string, password included.
            throw new WorkspaceException("Storage:ConnectionString is not a valid PostgreSQL connection string.", ex);
        }

        string location = string.Create(CultureInfo.InvariantCulture, $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}");
        NpgsqlDataSource db = NpgsqlDataSource.Create(builder);
        try
        {
            await PostgresMigrator.MigrateAsync(db, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await db.DisposeAsync();
            throw new WorkspaceException($"Cannot open the PostgreSQL workspace database at {location}: {ex.Message}", ex);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        return new PostgresWorkspaceStores(db, location);
    }

    /// <summary>The blocking form of <see cref="OpenAsync"/>, for start-up code that is not async.</summary>
    public static PostgresWorkspaceStores Open(string connectionString) => OpenAsync(connectionString).GetAwaiter().GetResult();

    public Task<WorkspaceWriteResult> WriteAsync(
        WorkspaceBatch batch,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            _db,
            async (c, tx) =>
            {
                if (batch.OnlyIfEmpty)
                {
                    // Seeders queue here; the second finds the first one's rows and writes nothing.
                    await AdvisoryLocks.LockAsync(c, tx, AdvisoryLocks.Seed, cancellationToken);
                    await using NpgsqlCommand count = c.Command(
                        "SELECT EXISTS(SELECT 1 FROM accounts) OR EXISTS(SELECT 1 FROM users)", tx);
                    if (await count.ExecuteScalarAsync(cancellationToken) is true)
                    {
                        return WorkspaceWriteResult.Skipped;
                    }
                }

                double total = Math.Max(1, batch.RowCount), done = 0;
                int inserted = 0;
                void Step(int rows, int newRows)
                {
                    inserted += newRows;
                    done += rows;
                    progress?.Report(done / total);
                }

                Step(batch.Users.Count, await PgUpserts.UsersAsync(c, tx, batch.Users, cancellationToken));
                Step(batch.Accounts.Count, await PgUpserts.AccountsAsync(c, tx, batch.Accounts, cancellationToken));
                Step(batch.Usage.Count, await PgUpserts.UsageAsync(c, tx, batch.Usage, cancellationToken));
                Step(batch.Payments.Count, await PgUpserts.PaymentsAsync(c, tx, batch.Payments, cancellationToken));
                Step(batch.Conversations.Count, await PgUpserts.ConversationsAsync(c, tx, batch.Conversations, cancellationToken));
                Step(batch.Tasks.Count, await PgUpserts.TasksAsync(c, tx, batch.Tasks, cancellationToken));
                Step(batch.Interventions.Count, await PgUpserts.InterventionsAsync(c, tx, batch.Interventions, cancellationToken));
                Step(batch.Features.Count, await PostgresGrowthStore.FeaturesAsync(c, tx, batch.Features, cancellationToken));
                Step(batch.FeatureUsage.Count, await PostgresGrowthStore.FeatureUsageAsync(c, tx, batch.FeatureUsage, cancellationToken));
                Step(batch.FirstUses.Count, await PostgresGrowthStore.FirstUsesAsync(c, tx, batch.FirstUses, cancellationToken));
                Step(batch.Subscriptions.Count, await PostgresGrowthStore.SubscriptionsAsync(c, tx, batch.Subscriptions, cancellationToken));
                foreach ((string key, string value) in batch.Meta)
                {
                    await PgUpserts.MetaAsync(c, tx, key, value, cancellationToken);
                }

                return new WorkspaceWriteResult(true, inserted);
            },
            cancellationToken);

    public void Dispose() => _db.Dispose();
}
