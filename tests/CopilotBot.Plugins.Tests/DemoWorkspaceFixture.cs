using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Demo;

namespace CopilotBot.Plugins.Tests;

/// <summary>
/// The demo workspace with a trained churn model, made once for all plugin tests that read it
/// (seeding and training take a few seconds). Tests that write use their own workspace.
/// </summary>
public sealed class DemoWorkspaceFixture : IDisposable
{
    public static readonly DateOnly Today = new(2026, 11, 21);

    public DemoWorkspaceFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "copilot-plugins-" + Guid.NewGuid().ToString("N")[..10]);
        Workspace = CopilotWorkspace.Open(Directory);
        Portfolio = DemoSeeder.Seed(Workspace, DemoSeeder.DefaultSeed, Today);
        Clock = new FixedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero));
        Loader = new AccountHistoryLoader(Workspace.Accounts, Workspace.Activity, Workspace.Conversations);
        Models = new ChurnModelStore(Workspace.Models, Directory);
        Risk = new ChurnRiskService(Loader, Models, Clock);
        Bundle = Risk.EnsureModelAsync(null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Directory { get; }

    public CopilotWorkspace Workspace { get; }

    public DemoPortfolio Portfolio { get; }

    public TimeProvider Clock { get; }

    public AccountHistoryLoader Loader { get; }

    public ChurnModelStore Models { get; }

    public ChurnRiskService Risk { get; }

    public ChurnModelBundle Bundle { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
