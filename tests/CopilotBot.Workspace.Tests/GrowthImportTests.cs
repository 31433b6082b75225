using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Workspace.Tests;

/// <summary>The growth imports (features, subscriptions) and <c>feature_used</c> events.</summary>
public sealed class GrowthImportTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly TempWorkspace _temp = new();

    public GrowthImportTests()
    {
        _temp.Workspace.Accounts.UpsertAsync(
        [
            new Account("A1", "Contoso", Tier.Gold, 100_000m, Region.EMEA, "Healthcare", null, null, null, 50),
            new Account("A2", "Fabrikam", Tier.Silver, 40_000m, Region.NA, "Retail", null, null, null, 20),
        ]).GetAwaiter().GetResult();
    }

    private WorkspaceImporter Importer => new(_temp.Workspace, Today);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ImportFeatures_ReadsRequiresPlansAndKeyFlags_AndIsIdempotent()
    {
        string file = _temp.File("features.csv", """
            Name,Requires,Min Plan,Key
            SSO,,pro,yes
            SCIM provisioning,SSO; Audit log ;sso,Enterprise,true
            Dashboards,,,
            """);

        ImportReport first = await Importer.ImportAsync(ImportKind.Features, file);
        ImportReport second = await Importer.ImportAsync(ImportKind.Features, file);

        Assert.Equal((3, 0, 0), (first.Inserted, first.Updated, first.Rejected));
        Assert.Equal((0, 3, 0), (second.Inserted, second.Updated, second.Rejected));
        IReadOnlyList<ProductFeature> features = await _temp.Workspace.Growth.ListFeaturesAsync();
        Assert.Equal(["Dashboards", "SCIM provisioning", "SSO"], features.Select(f => f.Name));
        Assert.Equal(["SSO", "Audit log"], features[1].Requires);
        Assert.Equal((Plan.Enterprise, true), (features[1].MinPlan, features[1].Key));
        Assert.Equal((Plan.Starter, false), (features[0].MinPlan, features[0].Key));
        Assert.Equal((Plan.Pro, true), (features[2].MinPlan, features[2].Key));
    }

    [Fact]
    public async Task ImportFeatures_ReportsBadRowsByLine_KeepsGoodOnes_AndLeavesColumnsTheFileLacks()
    {
        await Importer.ImportAsync(ImportKind.Features, _temp.File("first.csv", "name,requires,min_plan,key\nWorkflows,SSO,pro,yes\n"));
        string file = _temp.File("features.jsonl", """
            {"name": "workflows", "min_plan": "enterprise"}
            {"name": "Reports", "min_plan": "platinum", "key": "maybe"}
            {"name": "Exports", "requires": ["Reports", "Dashboards"]}
            {"name": "Loop", "requires": "Loop"}
            {"name": "A;B"}
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Features, file);

        Assert.Equal((1, 1, 3), (report.Inserted, report.Updated, report.Rejected));
        Assert.Contains(report.Errors, e => e.Line == 2 && e.Message.Contains("platinum", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 2 && e.Message.Contains("maybe", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Message.Contains("itself", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("';'", StringComparison.Ordinal));
        IReadOnlyList<ProductFeature> features = await _temp.Workspace.Growth.ListFeaturesAsync();
        Assert.Equal(["Exports", "Workflows"], features.Select(f => f.Name));
        Assert.Equal(["Reports", "Dashboards"], features[0].Requires);
        // The second file has no requires or key column for Workflows: those keep what was stored; min_plan changes.
        Assert.Equal((Plan.Enterprise, true), (features[1].MinPlan, features[1].Key));
        Assert.Equal(["SSO"], features[1].Requires);
    }

    [Fact]
    public async Task ImportFeatures_RefusesTheFile_WithoutANameColumn()
    {
        string file = _temp.File("features.csv", "feature_key,requires\nSSO,\n");

        var ex = await Assert.ThrowsAsync<WorkspaceException>(() => Importer.ImportAsync(ImportKind.Features, file));

        Assert.Contains("name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await _temp.Workspace.Growth.ListFeaturesAsync());
    }

    [Fact]
    public async Task ImportSubscriptions_DerivesIdsFromAccountAndDate_KeepsArrExact_AndIsIdempotent()
    {
        string file = _temp.File("subscriptions.csv", """
            account_id,effective date,plan,seats,arr
            A1,2025-01-01,starter,20,"12,000.50"
            A1,2026-03-15,Pro,45,48000.10
            A2,2025-06-01,pro,10,9999.99
            """);

        ImportReport first = await Importer.ImportAsync(ImportKind.Subscriptions, file);
        ImportReport second = await Importer.ImportAsync(ImportKind.Subscriptions, file);

        Assert.Equal((3, 0, 0), (first.Inserted, first.Updated, first.Rejected));
        Assert.Equal((0, 3, 0), (second.Inserted, second.Updated, second.Rejected));
        Assert.Equal(
            [
                new SubscriptionChange("A1:2025-01-01", "A1", new DateOnly(2025, 1, 1), Plan.Starter, 20, 12_000.50m),
                new SubscriptionChange("A1:2026-03-15", "A1", new DateOnly(2026, 3, 15), Plan.Pro, 45, 48_000.10m),
            ],
            await _temp.Workspace.Growth.ListSubscriptionsAsync("A1"));
    }

    [Fact]
    public async Task ImportSubscriptions_ReportsBadRowsByLine_AndKeepsGoodOnes()
    {
        string file = _temp.File("subscriptions.csv", """
            id,account_id,on,plan,seats,arr
            S1,A1,2026-01-01,enterprise,100,250000
            S2,NOPE,2026-01-01,pro,10,1000
            S3,A2,someday,pro,-1,free
            S4,A2,2026-02-01,Gold,10,1000
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Subscriptions, file);

        Assert.Equal((1, 3), (report.Inserted, report.Rejected));
        Assert.Contains(report.Errors, e => e.Line == 3 && e.Message.Contains("NOPE", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Message.Contains("someday", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Message.Contains("'seats'", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Message.Contains("'arr'", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("starter, pro, enterprise", StringComparison.Ordinal));
        Assert.Equal(["S1"], (await _temp.Workspace.Growth.ListSubscriptionsAsync(null)).Select(s => s.Id));
    }

    [Fact]
    public async Task ImportSubscriptions_RefusesTheFile_WhenRequiredColumnsAreMissing()
    {
        string file = _temp.File("subscriptions.csv", "account_id,plan,arr\nA1,pro,100\n");

        var ex = await Assert.ThrowsAsync<WorkspaceException>(() => Importer.ImportAsync(ImportKind.Subscriptions, file));

        Assert.Contains("date", ex.Message, StringComparison.Ordinal);
        Assert.Contains("seats", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await _temp.Workspace.Growth.ListSubscriptionsAsync(null));
    }

    [Fact]
    public void EventParser_ReadsFeatureUsedEvents_AndRefusesBadOnesOneByOne()
    {
        var parser = new EventParser(new HashSet<string>(["A1", "A2"]), Today);

        EventBatch batch = parser.ParseJson("""
            [
              {"type":"feature_used","id":"f-1","account_id":"A1","feature":"SSO","users":3,"at":"2026-11-02T10:00:00+02:00"},
              {"type":"feature_used","id":"f-2","account_id":"A2","feature":" Workflows ","at":"2026-11-03T10:00:00Z"},
              {"type":"feature_used","id":"f-3","account_id":"ZZ","feature":"SSO","at":"2026-11-03T10:00:00Z"},
              {"type":"feature_used","id":"f-4","account_id":"A1","feature":"SSO","users":0,"at":"yesterday"},
              {"type":"feature_used","id":"f-5","account_id":"A1","at":"2026-11-03T10:00:00Z"},
              {"type":"usage","id":"u-1","account_id":"A1","at":"2026-11-03T10:00:00Z","logins":2}
            ]
            """u8.ToArray());

        Assert.Equal(6, batch.Count);
        Assert.Single(batch.Usage);
        Assert.Equal(
            [
                new FeatureEvent("f-1", "A1", "SSO", new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), 3),
                new FeatureEvent("f-2", "A2", "Workflows", new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), 1),
            ],
            batch.Features);
        Assert.Equal([2, 3, 4], batch.Errors.Select(e => e.Index));
        Assert.Contains(batch.Errors[0].Problems, p => p.Contains("ZZ", StringComparison.Ordinal));
        Assert.Contains(batch.Errors[1].Problems, p => p.Contains("'users' is '0'", StringComparison.Ordinal));
        Assert.Contains(batch.Errors[1].Problems, p => p.Contains("yesterday", StringComparison.Ordinal));
        Assert.Contains(batch.Errors[2].Problems, p => p.Contains("'feature' is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventParser_ReadsFeatureEventsFromAnEventsFile_AndTheStoreAppliesThemOnce()
    {
        string file = _temp.File("events.csv", """
            type,id,account_id,at,feature,users
            feature_used,f-1,A1,2026-11-02T10:00:00Z,SSO,4
            feature_used,f-2,A1,2026-11-01T08:00:00Z,sso,
            oops,f-3,A1,2026-11-01T08:00:00Z,SSO,1
            """);
        Assert.True(EventParser.LooksLikeEvents(RowReader.Columns(file).ToList()));
        var parser = new EventParser(new HashSet<string>(["A1"]), Today);

        EventBatch batch = parser.ParseRows(RowReader.Read(file).Where(i => i.Row is not null && i.Header is null).Select(i => i.Row!));
        Storage.FeatureEventsApplied applied = await _temp.Workspace.Growth.ApplyFeatureEventsAsync(batch.Features);
        Storage.FeatureEventsApplied again = await _temp.Workspace.Growth.ApplyFeatureEventsAsync(batch.Features);

        Assert.Equal(2, batch.Features.Count);
        Assert.Contains("feature_used", Assert.Single(batch.Errors).Problems[0], StringComparison.Ordinal);
        Assert.Equal((2, 0), (applied.Applied, again.Applied));
        Assert.Equal(new FeatureFirstUse("A1", "SSO", new DateOnly(2026, 11, 1)), Assert.Single(applied.FirstUses));
        Assert.Equal(4, Assert.Single(await _temp.Workspace.Growth.ListFeatureUsageAsync("A1")).Users);
    }
}
