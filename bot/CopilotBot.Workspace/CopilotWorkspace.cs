using System.Security.Cryptography;
using System.Text;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Storage;
using CopilotBot.Workspace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace;

/// <summary>
/// A workspace folder: the SQLite database (<c>copilot.db</c>) plus model and index files beside it.
/// Opening an empty workspace seeds it with the demo portfolio unless told not to.
/// </summary>
public sealed class CopilotWorkspace
{
    public const string DatabaseFileName = "copilot.db";

    private CopilotWorkspace(string directory)
    {
        Directory = directory;
        Db = new SqliteDb(System.IO.Path.Combine(directory, DatabaseFileName));
        Accounts = new SqliteAccountStore(Db);
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
    }

    public string Directory { get; }

    public SqliteDb Db { get; }

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

    /// <summary>Opens (creating if needed) the workspace in <paramref name="directory"/>.</summary>
    public static CopilotWorkspace Open(string directory)
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

        try
        {
            return new CopilotWorkspace(full);
        }
        catch (SqliteException ex)
        {
            throw new WorkspaceException(
                $"Cannot open the workspace database in '{full}' ({ex.Message}). Is it a CopilotBot workspace?", ex);
        }
    }

    /// <summary>True when the workspace has no users and no accounts yet.</summary>
    public bool IsEmpty()
    {
        using SqliteConnection c = Db.Open();
        using SqliteCommand cmd = c.Command("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM users)");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0;
    }

    /// <summary>Seeds the demo portfolio when the workspace is empty; returns whether it did.</summary>
    public bool EnsureSeeded(ulong seed, DateOnly asOf, IProgress<double>? progress = null)
    {
        if (!IsEmpty())
        {
            return false;
        }

        DemoSeeder.Seed(this, seed, asOf, progress);
        return true;
    }

    public async Task<bool> IsDemoAsync(CancellationToken cancellationToken = default) =>
        await Meta.GetAsync(WorkspaceKeys.Demo, cancellationToken) == "true";

    /// <summary>
    /// SHA-256 over a canonical dump of every data table (rows in key order, values in a fixed text form):
    /// two workspaces with the same data have the same hash whatever the file layout.
    /// </summary>
    public string DataHash()
    {
        using SqliteConnection c = Db.Open();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        foreach ((string table, string orderBy) in SqliteSchema.DataTables)
        {
            hash.AppendData(Encoding.UTF8.GetBytes("#" + table + "\n"));
            using SqliteCommand cmd = c.Command($"SELECT * FROM {table} ORDER BY {orderBy}");
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                line.Clear();
                for (int i = 0; i < r.FieldCount; i++)
                {
                    object v = r.GetValue(i);
                    line.Append(v switch
                    {
                        DBNull => "\\N",
                        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                        _ => v.ToString(),
                    }).Append('\t');
                }

                line.Append('\n');
                hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
