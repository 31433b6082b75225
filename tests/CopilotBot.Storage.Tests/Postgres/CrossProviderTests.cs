using System.Diagnostics;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;
using CopilotBot.Workspace.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace CopilotBot.Storage.Tests.Postgres;

/// <summary>The same data gives the same data hash and the same audit hashes on SQLite and on PostgreSQL.</summary>
[PostgresTests]
[Trait("Category", "Integration")]
public sealed class CrossProviderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateOnly AsOf = new(2026, 11, 21);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilot-cross-" + Guid.NewGuid().ToString("N")[..10]);
    private string _database = string.Empty;
    private CopilotWorkspace _sqlite = null!;
    private CopilotWorkspace _postgres = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("cross");
        _sqlite = CopilotWorkspace.Open(Path.Combine(_folder, "sqlite"));
        _postgres = CopilotWorkspace.Open(Path.Combine(_folder, "postgres"), await PostgresWorkspaceStores.OpenAsync(_database));
    }

    public async Task DisposeAsync()
    {
        _sqlite?.Dispose();
        _postgres?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.DropDatabaseAsync(_database);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }

    [StoreFact]
    public async Task DataHash_IsTheSame_WhenBothAreSeededWithTheSameSeedAndDate()
    {
        var sw = Stopwatch.StartNew();
        bool sqliteSeeded = _sqlite.EnsureSeeded(7, AsOf);
        TimeSpan sqliteTime = sw.Elapsed;
        sw.Restart();
        bool postgresSeeded = _postgres.EnsureSeeded(7, AsOf);
        TimeSpan postgresTime = sw.Elapsed;
        output.WriteLine($"seeding: SQLite {sqliteTime.TotalMilliseconds:0} ms, PostgreSQL {postgresTime.TotalMilliseconds:0} ms");

        string sqliteHash = await _sqlite.DataHashAsync();
        string postgresHash = await _postgres.DataHashAsync();

        Assert.True(sqliteSeeded && postgresSeeded);
        Assert.False(_postgres.EnsureSeeded(7, AsOf));
        Assert.Equal(sqliteHash, postgresHash);
        Assert.Equal(await _sqlite.Accounts.CountAsync(), await _postgres.Accounts.CountAsync());
        Assert.Equal(await _sqlite.Conversations.CountAsync(), await _postgres.Conversations.CountAsync());
        Assert.Equal("7", await _postgres.Meta.GetAsync(WorkspaceKeys.DemoSeed));
        Assert.True(await _postgres.IsDemoAsync());
    }

    [StoreFact]
    public async Task DataHash_IsTheSame_AfterTheSameImports()
    {
        string accounts = Write("accounts.csv",
            "id,name,tier,arr,region,industry,renewal_date\n" +
            "ACC-1,Zoë's Café,Gold,\"120,000.50\",EMEA,Food,2027-03-31\n" +
            "ACC-2,株式会社 Example,Platinum,990000,APAC,,\n" +
            "ACC-2,株式会社 Example (renamed),Platinum,990000,APAC,,\n" +
            "ACC-3,Broken,Diamond,1,NA,,\n");
        string turns = Write("turns.csv",
            "conversation_id,account_id,timestamp,speaker,text\n" +
            "C1,ACC-1,2026-11-01T09:00:00.750+01:00,customer,\"We were charged twice 😡\"\n" +
            "C1,ACC-1,2026-11-01T09:05:00Z,agent,Refund on its way\n" +
            "C2,ACC-2,2026-11-02T10:00:00Z,customer,Login is slow\n");

        var sqliteReports = new[]
        {
            await new WorkspaceImporter(_sqlite, AsOf).ImportAsync(ImportKind.Accounts, accounts),
            await new WorkspaceImporter(_sqlite, AsOf).ImportAsync(ImportKind.Conversations, turns),
            await new WorkspaceImporter(_sqlite, AsOf).ImportAsync(ImportKind.Conversations, turns),
        };
        var postgresReports = new[]
        {
            await new WorkspaceImporter(_postgres, AsOf).ImportAsync(ImportKind.Accounts, accounts),
            await new WorkspaceImporter(_postgres, AsOf).ImportAsync(ImportKind.Conversations, turns),
            await new WorkspaceImporter(_postgres, AsOf).ImportAsync(ImportKind.Conversations, turns),
        };

        Assert.Equal(
            sqliteReports.Select(r => (r.Inserted, r.Updated, r.Errors.Count)),
            postgresReports.Select(r => (r.Inserted, r.Updated, r.Errors.Count)));
        Assert.Equal((2, 1, 1), (postgresReports[0].Inserted, postgresReports[0].Updated, postgresReports[0].Errors.Count));
        Assert.Equal((0, 2), (postgresReports[2].Inserted, postgresReports[2].Updated));
        Assert.Equal("株式会社 Example (renamed)", (await _postgres.Accounts.GetAsync("ACC-2"))!.Name);
        Assert.Equal(await _sqlite.DataHashAsync(), await _postgres.DataHashAsync());
    }

    [StoreFact]
    public async Task DataHash_IsTheSame_AfterTheSameGrowthImportsAndEvents()
    {
        string accounts = Write("g-accounts.csv", "id,name,tier,arr,region\nACC-1,Contoso,Gold,1000,EMEA\nACC-2,Fabrikam,Silver,500,NA\n");
        string features = Write("features.csv", "name,requires,min_plan,key\nsso,,pro,yes\nSCIM,SSO;Audit log,enterprise,no\nSSO,,pro,yes\nÉtiquettes,,,\n");
        string subscriptions = Write("subscriptions.csv",
            "account_id,date,plan,seats,arr\nACC-1,2025-01-01,starter,10,1200.10\nACC-1,2026-01-01,pro,25,30000.005\nACC-2,2026-02-01,pro,5,999\n");
        FeatureEvent[] events =
        [
            new("e1", "ACC-1", "SCIM", new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero), 3),
            new("e2", "ACC-1", "scim", new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), 7),
            new("e3", "ACC-2", "Unlisted", new DateTimeOffset(2026, 4, 1, 0, 30, 0, TimeSpan.FromHours(2)), 1),
        ];
        FeatureUsageMonth[] usage = [new("ACC-1", new DateOnly(2026, 2, 1), "SSO", 4), new("ACC-2", new DateOnly(2026, 1, 1), "étiquettes", 0)];

        foreach (CopilotWorkspace ws in new[] { _sqlite, _postgres })
        {
            await new WorkspaceImporter(ws, AsOf).ImportAsync(ImportKind.Accounts, accounts);
            await new WorkspaceImporter(ws, AsOf).ImportAsync(ImportKind.Features, features);
            await new WorkspaceImporter(ws, AsOf).ImportAsync(ImportKind.Subscriptions, subscriptions);
            await ws.Growth.UpsertFeatureUsageAsync(usage);
            await ws.Growth.ApplyFeatureEventsAsync(events);
        }

        Assert.Equal((await _sqlite.Growth.ListFeaturesAsync()).Select(x => x.Name), (await _postgres.Growth.ListFeaturesAsync()).Select(x => x.Name));
        Assert.Equal(await _sqlite.Growth.ListFeatureUsageAsync(null), await _postgres.Growth.ListFeatureUsageAsync(null));
        Assert.Equal(await _sqlite.Growth.ListFirstUsesAsync(null), await _postgres.Growth.ListFirstUsesAsync(null));
        Assert.Equal(await _sqlite.Growth.ListSubscriptionsAsync(null), await _postgres.Growth.ListSubscriptionsAsync(null));
        Assert.Equal(30_000.005m, (await _postgres.Growth.ListSubscriptionsAsync("ACC-1"))[1].Arr);
        Assert.Equal(await _sqlite.DataHashAsync(), await _postgres.DataHashAsync());
    }

    [StoreFact]
    public async Task AuditHashes_AreTheSame_ForTheSameEntries()
    {
        var entries = new (string Actor, string Action, string? Target, string? Details, DateTimeOffset At)[]
        {
            ("riley.chen", "approval.approved", "I1", "{\"by\":\"Zoë\"}", new DateTimeOffset(2026, 11, 21, 9, 0, 0, 400, TimeSpan.FromHours(1))),
            ("agent", "agent.run", null, null, new DateTimeOffset(2026, 11, 21, 9, 0, 1, TimeSpan.Zero)),
            ("dana", "agent.set", "agent.threshold", "0.8", new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero)),
        };

        var fromSqlite = new List<AuditEntry>();
        var fromPostgres = new List<AuditEntry>();
        foreach (var e in entries)
        {
            fromSqlite.Add(await _sqlite.Audit.AppendAsync(e.Actor, e.Action, e.Target, e.Details, e.At));
            fromPostgres.Add(await _postgres.Audit.AppendAsync(e.Actor, e.Action, e.Target, e.Details, e.At));
        }

        Assert.Equal(fromSqlite.Select(e => e.Hash), fromPostgres.Select(e => e.Hash));
        Assert.Equal((await _sqlite.Audit.ReadAsync()).Select(e => (e.Seq, e.At, e.Hash)), (await _postgres.Audit.ReadAsync()).Select(e => (e.Seq, e.At, e.Hash)));
        Assert.Null(CopilotBot.Host.Cli.AuditChain.FirstProblem(await _postgres.Audit.ReadAsync()));
    }

    private string Write(string name, string content)
    {
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
