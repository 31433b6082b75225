using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace;

/// <summary>
/// A workspace: a folder with the embedded retrieval index (<c>memory/</c>) and the data stores, model versions
/// included — by default a SQLite database in the folder (<c>copilot.db</c>), or any other <see cref="IWorkspaceStores"/> (a PostgreSQL database
/// shared by several instances). Opening an empty workspace seeds it with the demo portfolio unless told not to.
/// </summary>
public sealed class CopilotWorkspace : IDisposable
{
    public const string DatabaseFileName = "copilot.db";

    private CopilotWorkspace(string directory, IWorkspaceStores stores)
    {
        Directory = directory;
        // Every store call is a span when someone listens (the web host's tracing); otherwise the wrapper only forwards.
        Stores = TracedWorkspaceStores.Wrap(stores);
    }

    public string Directory { get; }

    /// <summary>The provider's stores (also reachable one by one below) and its bulk write.</summary>
    public IWorkspaceStores Stores { get; }

    public IAccountStore Accounts => Stores.Accounts;

    public IUserStore Users => Stores.Users;

    public IActivityStore Activity => Stores.Activity;

    public IConversationStore Conversations => Stores.Conversations;

    public ITaskStore Tasks => Stores.Tasks;

    public IInterventionStore Interventions => Stores.Interventions;

    public IAuditLog Audit => Stores.Audit;

    public IWorkspaceMeta Meta => Stores.Meta;

    public IConversationStateStore ConversationState => Stores.ConversationState;

    public IConversationReferenceStore ConversationReferences => Stores.ConversationReferences;

    public IInboundEventLog InboundEvents => Stores.InboundEvents;

    public IAlertStore Alerts => Stores.Alerts;

    public IRateLimitStore RateLimits => Stores.RateLimits;

    public IChartImageStore ChartImages => Stores.ChartImages;
    public IModelStore Models => Stores.Models;

    public IGrowthStore Growth => Stores.Growth;

    /// <summary>Opens (creating if needed) the workspace in <paramref name="directory"/>, with its SQLite database.</summary>
    public static CopilotWorkspace Open(string directory)
    {
        string full = CreateFolder(directory);
        try
        {
            return new CopilotWorkspace(full, new SqliteWorkspaceStores(System.IO.Path.Combine(full, DatabaseFileName)));
        }
        catch (SqliteException ex)
        {
            throw new WorkspaceException(
                $"Cannot open the workspace database in '{full}' ({ex.Message}). Is it a CopilotBot workspace?", ex);
        }
    }

    /// <summary>
    /// Opens the workspace folder <paramref name="directory"/> (models, indexes) over the given stores; the workspace
    /// owns them from here and disposes them with itself.
    /// </summary>
    public static CopilotWorkspace Open(string directory, IWorkspaceStores stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return new CopilotWorkspace(CreateFolder(directory), stores);
    }

    /// <summary>True when the workspace has no users and no accounts yet.</summary>
    public bool IsEmpty() => IsEmptyAsync().GetAwaiter().GetResult();

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default) =>
        await Accounts.CountAsync(cancellationToken) == 0 && (await Users.ListAsync(cancellationToken)).Count == 0;

    /// <summary>
    /// Seeds the demo portfolio when the workspace is empty; returns whether it did. Emptiness is checked again inside
    /// the write transaction, so two instances starting on one empty database seed it once.
    /// </summary>
    public bool EnsureSeeded(ulong seed, DateOnly asOf, IProgress<double>? progress = null)
    {
        if (!IsEmpty() || IsOwnDataAsync().GetAwaiter().GetResult())
        {
            return false;
        }

        return DemoSeeder.SeedIfEmpty(this, seed, asOf, progress) is not null;
    }

    /// <summary>Whether the workspace was made for the user's own data (never seeded with the demo portfolio).</summary>
    public async Task<bool> IsOwnDataAsync(CancellationToken cancellationToken = default) =>
        await Meta.GetAsync(WorkspaceKeys.OwnData, cancellationToken) == "true";

    /// <summary>Marks an empty workspace as one for the user's own data, so opening it never seeds the demo portfolio.</summary>
    public async Task MarkOwnDataAsync(CancellationToken cancellationToken = default) =>
        await Meta.SetAsync(WorkspaceKeys.OwnData, "true", cancellationToken);

    public async Task<bool> IsDemoAsync(CancellationToken cancellationToken = default) =>
        await Meta.GetAsync(WorkspaceKeys.Demo, cancellationToken) == "true";

    /// <summary>
    /// SHA-256 over a canonical dump of every data table (see <see cref="WorkspaceDataHash"/>): two workspaces with the
    /// same data have the same hash whatever the provider or file layout.
    /// </summary>
    public string DataHash() => DataHashAsync().GetAwaiter().GetResult();

    public Task<string> DataHashAsync(CancellationToken cancellationToken = default) =>
        WorkspaceDataHash.ComputeAsync(Stores, cancellationToken);

    public void Dispose() => Stores.Dispose();

    private static string CreateFolder(string directory)
    {
        string full = System.IO.Path.GetFullPath(directory);
        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorkspaceException($"Cannot create the workspace folder '{full}': {ex.Message}", ex);
        }

        return full;
    }
}
