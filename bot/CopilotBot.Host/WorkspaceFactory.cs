using CopilotBot.Workspace;
using CopilotBot.Workspace.Postgres;

namespace CopilotBot.Host;

/// <summary>
/// Picks the workspace's stores in one place: <c>Storage:Provider</c> = Sqlite (default: <c>copilot.db</c> in the
/// workspace folder) or Postgres (<c>Storage:ConnectionString</c>, a database several instances can share). Either way the
/// database holds the churn model versions, and the workspace folder the embedded retrieval index (<c>memory/</c>).
/// </summary>
internal static class WorkspaceFactory
{
    public const string ProviderKey = "Storage:Provider";
    public const string ConnectionStringKey = "Storage:ConnectionString";

    public static CopilotWorkspace Open(string directory, IConfiguration configuration) =>
        IsPostgres(configuration)
            ? CopilotWorkspace.Open(directory, PostgresWorkspaceStores.Open(
                configuration[ConnectionStringKey] is { Length: > 0 } cs
                    ? cs
                    : throw new WorkspaceException($"{ProviderKey} is Postgres but {ConnectionStringKey} is not set (environment: Storage__ConnectionString).")))
            : CopilotWorkspace.Open(directory);

    /// <summary>
    /// Whether opening will create a new workspace (to say so, and show seeding progress): a missing SQLite file. A
    /// shared database is not created by this instance, so it never counts as new here.
    /// </summary>
    public static bool IsNew(string directory, IConfiguration configuration) =>
        !IsShared(configuration) && !File.Exists(Path.Combine(directory, CopilotWorkspace.DatabaseFileName));

    /// <summary>Whether the stores are in a database several instances may share (PostgreSQL).</summary>
    public static bool IsShared(IConfiguration configuration) => IsPostgres(configuration);

    private static bool IsPostgres(IConfiguration configuration) =>
        (configuration[ProviderKey] ?? "Sqlite") switch
        {
            var p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => false,
            var p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || p.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) => true,
            var p => throw new WorkspaceException($"{ProviderKey} '{p}' is not known; use Sqlite or Postgres."),
        };
}
