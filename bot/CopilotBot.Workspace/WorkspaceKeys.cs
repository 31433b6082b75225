namespace CopilotBot.Workspace;

/// <summary>Keys of the workspace's meta table.</summary>
public static class WorkspaceKeys
{
    public const string Demo = "demo";
    public const string DemoSeed = "demo.seed";
    public const string DemoAsOf = "demo.as_of";
    public const string DemoOutageDate = "demo.outage_date";
    public const string AdminUser = "admin_user";

    /// <summary>"true" on a workspace made for the user's own data (<c>copilot workspace init --empty</c>): never seeded with the demo.</summary>
    public const string OwnData = "own_data";
}
