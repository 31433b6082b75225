using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Workspace.Demo;

/// <summary>Writes a generated demo portfolio into an empty workspace in one transaction.</summary>
public static class DemoSeeder
{
    public const ulong DefaultSeed = 42;

    public static DemoPortfolio Seed(CopilotWorkspace workspace, ulong seed, DateOnly asOf, IProgress<double>? progress = null) =>
        Write(workspace, seed, asOf, progress, onlyIfEmpty: false)!;

    /// <summary>Seeds only if the workspace has no users and no accounts when the write begins; null when it had.</summary>
    public static DemoPortfolio? SeedIfEmpty(CopilotWorkspace workspace, ulong seed, DateOnly asOf, IProgress<double>? progress = null) =>
        Write(workspace, seed, asOf, progress, onlyIfEmpty: true);

    private static DemoPortfolio? Write(CopilotWorkspace workspace, ulong seed, DateOnly asOf, IProgress<double>? progress, bool onlyIfEmpty)
    {
        var generator = new DemoPortfolioGenerator(seed, asOf);
        DemoPortfolio portfolio = generator.Generate(progress is null ? null : new Progress(progress, 0, 0.5));
        var batch = new WorkspaceBatch
        {
            Users = portfolio.Users,
            Accounts = portfolio.Accounts,
            Usage = portfolio.Usage,
            Payments = portfolio.Payments,
            Conversations = portfolio.Conversations,
            Tasks = portfolio.Tasks,
            Interventions = portfolio.Interventions,
            Features = portfolio.Features,
            FeatureUsage = portfolio.FeatureUsage,
            FirstUses = portfolio.FirstUses,
            Subscriptions = portfolio.Subscriptions,
            Meta =
            [
                new(WorkspaceKeys.Demo, "true"),
                new(WorkspaceKeys.DemoSeed, seed.ToString(CultureInfo.InvariantCulture)),
                new(WorkspaceKeys.DemoAsOf, Vocabulary.Format(asOf)),
                new(WorkspaceKeys.DemoOutageDate, Vocabulary.Format(generator.OutageDate)),
                new(WorkspaceKeys.AdminUser, DemoUsers.AdminId),
            ],
            OnlyIfEmpty = onlyIfEmpty,
        };
        // The seed runs once per workspace, on start-up, before anything else can use it: blocking here is fine.
        WorkspaceWriteResult result = workspace.Stores
            .WriteAsync(batch, progress is null ? null : new Progress(progress, 0.5, 1.0))
            .GetAwaiter().GetResult();
        progress?.Report(1.0);
        return result.Written ? portfolio : null;
    }

    /// <summary>Maps the generator's 0..1 onto a slice of the caller's progress.</summary>
    private sealed class Progress(IProgress<double> inner, double from, double to) : IProgress<double>
    {
        public void Report(double value) => inner.Report(from + ((to - from) * value));
    }
}
