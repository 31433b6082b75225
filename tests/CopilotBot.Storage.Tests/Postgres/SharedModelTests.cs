using CopilotBot.Host;
using CopilotBot.Plugins.Churn;
using CopilotBot.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit.Abstractions;

namespace CopilotBot.Storage.Tests.Postgres;

/// <summary>
/// Two instances on one fresh PostgreSQL database, each with its own workspace folder (no shared folder): the churn
/// model is trained once between them, both answer with the same version and the same scores, and a new version or a
/// rollback made on one is what the other answers with next.
/// </summary>
[PostgresTests]
[Trait("Category", "Integration")]
public sealed class SharedModelTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Today = "2026-11-21";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "copilot-shared-models-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<CopilotRuntime> _runtimes = [];
    private string _database = string.Empty;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("models");

    public async Task DisposeAsync()
    {
        foreach (CopilotRuntime runtime in _runtimes)
        {
            runtime.Workspace.Dispose();
        }

        NpgsqlConnection.ClearAllPools();
        await PostgresServer.DropDatabaseAsync(_database);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }

    [StoreFact]
    public async Task TwoInstances_TrainOnceAndScoreAlike_WhenBothStartAtOnceWithTheirOwnFolders()
    {
        var trainingA = new CountingProgress();
        var trainingB = new CountingProgress();

        CopilotRuntime[] started = await Task.WhenAll(
            Task.Run(() => Open("a", trainingA)),
            Task.Run(() => Open("b", trainingB)));
        CopilotRuntime a = started[0], b = started[1];
        IReadOnlyList<AccountRisk>[] scores = await Task.WhenAll(
            Task.Run(() => a.Risk.ScoreAsync(CancellationToken.None)),
            Task.Run(() => b.Risk.ScoreAsync(CancellationToken.None)));
        output.WriteLine($"training progress reports: A {trainingA.Reports}, B {trainingB.Reports}");

        Assert.Equal(1, (trainingA.Reports > 0 ? 1 : 0) + (trainingB.Reports > 0 ? 1 : 0));
        Assert.Equal([1], await b.Models.VersionsAsync(CancellationToken.None));
        Assert.Equal(1, await a.Models.ActiveVersionAsync(CancellationToken.None));
        Assert.Equal(1, (await a.Risk.EnsureModelAsync(null, CancellationToken.None)).Version);
        Assert.Equal(1, (await b.Risk.EnsureModelAsync(null, CancellationToken.None)).Version);
        Assert.True(scores[0].Count > 100, "the demo book was scored");
        Assert.Equal(Scores(scores[0]), Scores(scores[1]));
        Assert.False(Directory.Exists(Path.Combine(a.Workspace.Directory, "models")) || Directory.Exists(Path.Combine(b.Workspace.Directory, "models")));
    }

    [StoreFact]
    public async Task AnotherInstance_AnswersWithTheNewVersion_AndWithTheRolledBackOne_AfterTrainAndUseOnTheFirst()
    {
        CopilotRuntime a = Open("a", null);
        CopilotRuntime b = Open("b", null);
        IReadOnlyList<AccountRisk> v1 = await b.Risk.ScoreAsync(CancellationToken.None);

        // `copilot churn train` on A, on data as of four weeks earlier so that the new version scores differently.
        var loader = new AccountHistoryLoader(a.Workspace.Accounts, a.Workspace.Activity, a.Workspace.Conversations);
        ChurnModelBundle trained = new WorkspaceChurnTrainer().Train(
            await loader.LoadAsync(CancellationToken.None), a.Today.AddDays(-28), a.Clock.GetUtcNow(), null, CancellationToken.None);
        ChurnModelBundle v2 = await a.Models.SaveAsync(trained, CancellationToken.None);
        a.Risk.Invalidate();
        IReadOnlyList<AccountRisk> v2OnA = await a.Risk.ScoreAsync(CancellationToken.None);
        IReadOnlyList<AccountRisk> v2OnB = await b.Risk.ScoreAsync(CancellationToken.None);
        // `copilot churn use v1` on A.
        await a.Models.UseAsync(1, CancellationToken.None);
        a.Risk.Invalidate();
        IReadOnlyList<AccountRisk> backOnB = await b.Risk.ScoreAsync(CancellationToken.None);

        Assert.Equal(2, v2.Version);
        Assert.NotEqual(Scores(v1), Scores(v2OnA));
        Assert.Equal(Scores(v2OnA), Scores(v2OnB));
        Assert.Equal(Scores(v1), Scores(backOnB));
        Assert.Equal(1, (await b.Risk.EnsureModelAsync(null, CancellationToken.None)).Version);
        Assert.Equal([1, 2], await b.Models.VersionsAsync(CancellationToken.None));
    }

    private static List<(string, double, double, double)> Scores(IReadOnlyList<AccountRisk> risks) =>
        risks.Select(r => (r.Account.Id, r.Probability, r.Within7, r.Within30)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();

    private CopilotRuntime Open(string name, IProgress<double>? training)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = _database })
            .Build();
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(Path.Combine(_root, name), Today, null, null), training: training, configuration: configuration);
        lock (_runtimes)
        {
            _runtimes.Add(runtime);
        }

        return runtime;
    }

    /// <summary>Counts training progress reports as they happen (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class CountingProgress : IProgress<double>
    {
        private int _reports;

        public int Reports => Volatile.Read(ref _reports);

        public void Report(double value) => Interlocked.Increment(ref _reports);
    }
}
