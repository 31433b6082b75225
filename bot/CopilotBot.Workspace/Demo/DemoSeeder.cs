using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Demo;

/// <summary>Writes a generated demo portfolio into an empty workspace in one transaction.</summary>
public static class DemoSeeder
{
    public const ulong DefaultSeed = 42;

    public static DemoPortfolio Seed(CopilotWorkspace workspace, ulong seed, DateOnly asOf, IProgress<double>? progress = null)
    {
        var generator = new DemoPortfolioGenerator(seed, asOf);
        DemoPortfolio portfolio = generator.Generate(progress is null ? null : new Progress(progress, 0, 0.5));
        using SqliteConnection c = workspace.Db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        SqliteUserStore.Upsert(c, tx, portfolio.Users);
        SqliteAccountStore.Upsert(c, tx, portfolio.Accounts);
        progress?.Report(0.6);
        SqliteActivityStore.UpsertUsage(c, tx, portfolio.Usage);
        SqliteActivityStore.UpsertPayments(c, tx, portfolio.Payments);
        progress?.Report(0.75);
        SqliteConversationStore.Upsert(c, tx, portfolio.Conversations);
        progress?.Report(0.95);
        SqliteTaskStore.Write(c, tx, portfolio.Tasks);
        SqliteInterventionStore.Upsert(c, tx, portfolio.Interventions);
        foreach ((string key, string value) in new[]
        {
            (WorkspaceKeys.Demo, "true"),
            (WorkspaceKeys.DemoSeed, seed.ToString(CultureInfo.InvariantCulture)),
            (WorkspaceKeys.DemoAsOf, Vocabulary.Format(asOf)),
            (WorkspaceKeys.DemoOutageDate, Vocabulary.Format(generator.OutageDate)),
            (WorkspaceKeys.AdminUser, DemoUsers.AdminId),
        })
        {
            using SqliteCommand meta = c.Command(
                "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", tx)
                .With("$k", key).With("$v", value);
            meta.ExecuteNonQuery();
        }

        tx.Commit();
        progress?.Report(1.0);
        return portfolio;
    }

    /// <summary>Maps the generator's 0..1 onto a slice of the caller's progress.</summary>
    private sealed class Progress(IProgress<double> inner, double from, double to) : IProgress<double>
    {
        public void Report(double value) => inner.Report(from + ((to - from) * value));
    }
}
