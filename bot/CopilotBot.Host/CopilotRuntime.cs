using CopilotBot.Conversation;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host;

/// <summary>Everything a command or the web host needs, built once: the workspace (seeded on first use), clock and agent.</summary>
public sealed class CopilotRuntime
{
    private CopilotRuntime(HostSettings settings, CopilotWorkspace workspace, TimeProvider clock)
    {
        Settings = settings;
        Workspace = workspace;
        Clock = clock;
        Agent = new CopilotAgent(workspace, clock);
    }

    public HostSettings Settings { get; }

    public CopilotWorkspace Workspace { get; }

    public TimeProvider Clock { get; }

    public CopilotAgent Agent { get; }

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>Opens the workspace; an empty one is seeded with the demo portfolio, with progress on <paramref name="progress"/>.</summary>
    public static CopilotRuntime Open(HostSettings settings, IProgress<double>? progress = null)
    {
        TimeProvider clock = settings.Clock();
        CopilotWorkspace workspace = CopilotWorkspace.Open(settings.WorkspaceDirectory);
        workspace.EnsureSeeded(settings.Seed, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), progress);
        return new CopilotRuntime(settings, workspace, clock);
    }

    /// <summary>The user a command acts as: --as, else the workspace's admin.</summary>
    public async Task<User> ActingUserAsync(CancellationToken cancellationToken)
    {
        string? id = Settings.ActAs ?? await Workspace.Meta.GetAsync(WorkspaceKeys.AdminUser, cancellationToken);
        if (id is null)
        {
            return new User("admin", "Admin", "admin", UserRole.Admin, null);
        }

        return await Workspace.Users.GetAsync(id, cancellationToken)
            ?? throw new WorkspaceException($"--as '{id}': no such user. Run `copilot users` to see who is in this workspace.");
    }
}
