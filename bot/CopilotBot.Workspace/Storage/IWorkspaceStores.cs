namespace CopilotBot.Workspace.Storage;

/// <summary>
/// One storage provider's set of stores (SQLite in the workspace folder, or a PostgreSQL database shared by several
/// instances), plus the bulk write the seeder and the importers use.
/// </summary>
public interface IWorkspaceStores : IDisposable
{
    /// <summary>Where the data lives, for people: the database file, or host/port/database (never a password).</summary>
    string Location { get; }

    IAccountStore Accounts { get; }

    IUserStore Users { get; }

    IActivityStore Activity { get; }

    IConversationStore Conversations { get; }

    ITaskStore Tasks { get; }

    IInterventionStore Interventions { get; }

    IAuditLog Audit { get; }

    IWorkspaceMeta Meta { get; }

    IConversationStateStore ConversationState { get; }

    IConversationReferenceStore ConversationReferences { get; }

    IInboundEventLog InboundEvents { get; }

    IAlertStore Alerts { get; }

    /// <summary>Token buckets (the per-user turn limit), shared by the instances on the store.</summary>
    IRateLimitStore RateLimits { get; }

    /// <summary>Chart images by hash, for whichever instance is asked for one.</summary>
    IChartImageStore ChartImages { get; }

    /// <summary>Per-table versions, for what is cached in memory (see <see cref="IDataVersions"/>).</summary>
    IDataVersions DataVersions { get; }

    /// <summary>Versioned model documents (the churn model) and which version is active.</summary>
    IModelStore Models { get; }

    /// <summary>Product features, feature usage and first uses, and subscription changes (adoption and expansion).</summary>
    IGrowthStore Growth { get; }

    /// <summary>
    /// Upserts everything in the batch in one transaction, with the same per-kind semantics as the stores' own
    /// <c>UpsertAsync</c> (a conversation's turns are replaced as a whole; within the batch the last row for a key
    /// wins; the growth lists as <see cref="IGrowthStore"/>'s upserts: features first, then feature usage, first uses and
    /// subscriptions). With <see cref="WorkspaceBatch.OnlyIfEmpty"/> nothing is written unless the workspace has no users and no
    /// accounts, checked inside the same transaction so concurrent instances cannot both write.
    /// </summary>
    Task<WorkspaceWriteResult> WriteAsync(
        WorkspaceBatch batch,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default);
}
