using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>The growth data: features, feature usage, first uses, feature events and subscriptions.</summary>
public abstract class GrowthStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly DateOnly March = new(2026, 3, 1);
    private static readonly DateOnly April = new(2026, 4, 1);

    private static FeatureEvent Used(string id, string account, string feature, int day, int users = 1, int month = 3) =>
        new(id, account, feature, new DateTimeOffset(2026, month, day, 9, 30, 0, TimeSpan.Zero), users);

    [StoreFact]
    public async Task UpsertFeaturesAsync_RoundTripsPlansAndRequires_AndCountsNewNames()
    {
        ProductFeature sso = new("SSO", [], Plan.Pro, Key: true);
        ProductFeature scim = new("SCIM provisioning", ["SSO", "Audit log"], Plan.Enterprise);
        ProductFeature dashboards = new("Dashboards", [], Plan.Starter);

        int first = await Stores.Growth.UpsertFeaturesAsync([sso, scim]);
        int second = await Stores.Growth.UpsertFeaturesAsync([dashboards, scim with { MinPlan = Plan.Pro }]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        IReadOnlyList<ProductFeature> features = await Stores.Growth.ListFeaturesAsync();
        Assert.Equal(["Dashboards", "SCIM provisioning", "SSO"], features.Select(f => f.Name));
        Assert.Equal(["SSO", "Audit log"], features[1].Requires);
        Assert.Equal(Plan.Pro, features[1].MinPlan);
        Assert.True(features[2].Key);
        Assert.False(features[0].Key);
        Assert.Empty(features[0].Requires);
        Assert.Equal(Plan.Starter, features[0].MinPlan);
    }

    [StoreFact]
    public async Task UpsertFeaturesAsync_MatchesNamesIgnoringCase_AndKeepsTheFirstSpelling()
    {
        await Stores.Growth.UpsertFeaturesAsync([new("Workflows", [], Plan.Pro)]);

        int added = await Stores.Growth.UpsertFeaturesAsync([new("WORKFLOWS", ["SSO"], Plan.Enterprise, Key: true), new("workflows", ["SSO"], Plan.Enterprise, Key: true)]);

        ProductFeature stored = Assert.Single(await Stores.Growth.ListFeaturesAsync());
        Assert.Equal(0, added);
        Assert.Equal(("Workflows", Plan.Enterprise, true), (stored.Name, stored.MinPlan, stored.Key));
        Assert.Equal(["SSO"], stored.Requires);
    }

    [StoreFact]
    public async Task UpsertFeatureUsageAsync_CountsNewRows_MatchesFeaturesIgnoringCase_AndOrders()
    {
        int first = await Stores.Growth.UpsertFeatureUsageAsync(
        [
            new("P2", March, "Dashboards", 4),
            new("P1", April, "SSO", 3),
            new("P1", March, "sso", 2),
            new("P1", March, "Dashboards", 5),
        ]);
        int second = await Stores.Growth.UpsertFeatureUsageAsync([new("P1", March, "SSO", 7), new("P1", new DateOnly(2026, 3, 17), "Audit log", 1)]);

        Assert.Equal(4, first);
        Assert.Equal(1, second);
        Assert.Equal(
            [
                new FeatureUsageMonth("P1", March, "Audit log", 1),
                new FeatureUsageMonth("P1", March, "Dashboards", 5),
                new FeatureUsageMonth("P1", March, "sso", 7),
                new FeatureUsageMonth("P1", April, "SSO", 3),
            ],
            await Stores.Growth.ListFeatureUsageAsync("P1"));
        Assert.Equal(["P1", "P1", "P1", "P1", "P2"], (await Stores.Growth.ListFeatureUsageAsync(null)).Select(u => u.AccountId));
        Assert.Empty(await Stores.Growth.ListFeatureUsageAsync("P9"));
    }

    [StoreFact]
    public async Task FeatureRows_TakeTheCataloguesSpelling_WhenTheCatalogueHasTheFeature()
    {
        await Stores.Growth.UpsertFeatureUsageAsync([new("P1", March, "sso", 2)]);

        await Stores.Growth.UpsertFeaturesAsync([new("SSO", [], Plan.Pro)]);
        await Stores.Growth.UpsertFeatureUsageAsync([new("P1", April, "Sso", 3)]);

        Assert.Equal(["SSO", "SSO"], (await Stores.Growth.ListFeatureUsageAsync("P1")).Select(u => u.Feature));
        Assert.Equal(new FeatureFirstUse("P1", "SSO", March), Assert.Single(await Stores.Growth.ListFirstUsesAsync("P1")));
    }

    [StoreFact]
    public async Task UpsertFeatureUsageAsync_SetsTheFirstUse_OnlyWhenNoneIsKnownWithinOrBeforeTheMonth()
    {
        await Stores.Growth.UpsertFirstUsesAsync(
        [
            new("P1", "SSO", new DateOnly(2026, 3, 20)),      // within March: kept
            new("P1", "Workflows", new DateOnly(2026, 5, 2)), // after March: moves to 1 March
            new("P1", "Reports", new DateOnly(2026, 1, 9)),   // before March: kept
        ]);

        await Stores.Growth.UpsertFeatureUsageAsync(
        [
            new("P1", March, "SSO", 3),
            new("P1", March, "Workflows", 2),
            new("P1", March, "Reports", 1),
            new("P1", April, "Dashboards", 4),
            new("P1", March, "Dashboards", 1),
            new("P1", March, "Exports", 0), // nobody used it: no first use
        ]);

        Assert.Equal(
            [
                new FeatureFirstUse("P1", "Reports", new DateOnly(2026, 1, 9)),
                new FeatureFirstUse("P1", "Dashboards", March),
                new FeatureFirstUse("P1", "Workflows", March),
                new FeatureFirstUse("P1", "SSO", new DateOnly(2026, 3, 20)),
            ],
            await Stores.Growth.ListFirstUsesAsync("P1"));
    }

    [StoreFact]
    public async Task UpsertFirstUsesAsync_KeepsTheEarlierDay_AndCountsNewOnes()
    {
        int first = await Stores.Growth.UpsertFirstUsesAsync([new("P1", "SSO", new DateOnly(2026, 3, 10)), new("P2", "SSO", new DateOnly(2026, 2, 1))]);
        int second = await Stores.Growth.UpsertFirstUsesAsync(
        [
            new("P1", "sso", new DateOnly(2026, 3, 12)),
            new("P1", "SSO", new DateOnly(2026, 3, 4)),
            new("P1", "Workflows", new DateOnly(2026, 4, 4)),
        ]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(
            [new FeatureFirstUse("P1", "SSO", new DateOnly(2026, 3, 4)), new FeatureFirstUse("P1", "Workflows", new DateOnly(2026, 4, 4))],
            await Stores.Growth.ListFirstUsesAsync("P1"));
        Assert.Equal(3, (await Stores.Growth.ListFirstUsesAsync(null)).Count);
    }

    [StoreFact]
    public async Task ApplyFeatureEventsAsync_AppliesEachEventOnce_AndKeepsTheMonthsHighestUsers()
    {
        FeatureEvent[] events = [Used("e1", "P1", "SSO", 5, users: 4), Used("e2", "P1", "SSO", 6, users: 9), Used("e3", "P1", "SSO", 7, users: 2)];

        FeatureEventsApplied first = await Stores.Growth.ApplyFeatureEventsAsync(events);
        FeatureEventsApplied again = await Stores.Growth.ApplyFeatureEventsAsync(events);
        FeatureEventsApplied mixed = await Stores.Growth.ApplyFeatureEventsAsync([events[0], Used("e4", "P1", "sso", 20, users: 12, month: 4)]);

        Assert.Equal(3, first.Applied);
        Assert.Equal(0, again.Applied);
        Assert.Empty(again.FirstUses);
        Assert.Equal(1, mixed.Applied);
        Assert.Empty(mixed.FirstUses);
        Assert.Equal(
            [new FeatureUsageMonth("P1", March, "SSO", 9), new FeatureUsageMonth("P1", April, "sso", 12)],
            await Stores.Growth.ListFeatureUsageAsync("P1"));
        Assert.Equal(new FeatureFirstUse("P1", "SSO", new DateOnly(2026, 3, 5)), Assert.Single(await Stores.Growth.ListFirstUsesAsync("P1")));
    }

    [StoreFact]
    public async Task ApplyFeatureEventsAsync_ReportsFirstUses_OnlyForFeaturesTheAccountNeverUsed()
    {
        await Stores.Growth.UpsertFeatureUsageAsync([new("P1", April, "SSO", 3)]);

        FeatureEventsApplied applied = await Stores.Growth.ApplyFeatureEventsAsync(
        [
            Used("e1", "P1", "SSO", 15),              // used since April: moves the first use earlier, not new
            Used("e2", "P1", "Workflows", 20),        // new
            Used("e3", "P1", "workflows", 8),         // the same new feature, earlier: one first use, on the 8th
            Used("e4", "P2", "SSO", 2, month: 4),     // new for P2
        ]);

        Assert.Equal(4, applied.Applied);
        Assert.Equal(
            [new FeatureFirstUse("P1", "Workflows", new DateOnly(2026, 3, 8)), new FeatureFirstUse("P2", "SSO", new DateOnly(2026, 4, 2))],
            applied.FirstUses);
        Assert.Equal(
            [new FeatureFirstUse("P1", "Workflows", new DateOnly(2026, 3, 8)), new FeatureFirstUse("P1", "SSO", new DateOnly(2026, 3, 15))],
            await Stores.Growth.ListFirstUsesAsync("P1"));
    }

    [StoreFact]
    public async Task ApplyFeatureEventsAsync_UsesTheUtcDay()
    {
        // 23:30 on 31 March at UTC−2 is 01:30 on 1 April UTC.
        var evening = new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2));

        FeatureEventsApplied applied = await Stores.Growth.ApplyFeatureEventsAsync([new("e1", "P1", "SSO", evening, 2)]);

        Assert.Equal(new FeatureFirstUse("P1", "SSO", April), Assert.Single(applied.FirstUses));
        Assert.Equal(new FeatureUsageMonth("P1", April, "SSO", 2), Assert.Single(await Stores.Growth.ListFeatureUsageAsync("P1")));
    }

    [StoreFact]
    public async Task ApplyFeatureEventsAsync_WritesNothing_WhenTheBatchFailsMidway()
    {
        await Stores.Growth.ApplyFeatureEventsAsync([Used("e0", "P1", "SSO", 1)]);

        // The third event cannot be stored (no account): the whole batch is rolled back, the first two included.
        await Assert.ThrowsAnyAsync<Exception>(() => Stores.Growth.ApplyFeatureEventsAsync(
            [Used("e1", "P1", "Workflows", 2), Used("e2", "P1", "SSO", 3, users: 50), new FeatureEvent("e3", null!, "SSO", Samples.Noon, 1)]));
        FeatureEventsApplied retried = await Stores.Growth.ApplyFeatureEventsAsync([Used("e1", "P1", "Workflows", 2), Used("e2", "P1", "SSO", 3, users: 50)]);

        Assert.Equal(2, retried.Applied);
        Assert.Equal([new FeatureFirstUse("P1", "Workflows", new DateOnly(2026, 3, 2))], retried.FirstUses);
        Assert.Equal(
            [new FeatureUsageMonth("P1", March, "SSO", 50), new FeatureUsageMonth("P1", March, "Workflows", 1)],
            await Stores.Growth.ListFeatureUsageAsync("P1"));
    }

    [StoreFact]
    public async Task ApplyFeatureEventsAsync_CountsEveryEventOnce_WhenTwoInstancesApplyTheSameEventsAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        FeatureEvent[] events = [.. Enumerable.Range(0, 40).Select(i => Used("e" + i, "P" + (i % 3), i % 2 == 0 ? "SSO" : "sso", 1 + (i % 28), users: i))];

        FeatureEventsApplied[] results = await RaceAsync([Stores, other], 6, (s, i) => s.Growth.ApplyFeatureEventsAsync(i % 2 == 0 ? events : [.. events.Reverse()]));

        Assert.Equal(40, results.Sum(r => r.Applied));
        Assert.Equal(3, results.Sum(r => r.FirstUses.Count(f => f.Feature.Equals("sso", StringComparison.OrdinalIgnoreCase))));
        Assert.Equal(3, (await Stores.Growth.ListFirstUsesAsync(null)).Count);
        Assert.Equal(3, (await Stores.Growth.ListFeatureUsageAsync(null)).Count);
    }

    [StoreFact]
    public async Task UpsertSubscriptionsAsync_RoundTripsArrExactly_AndOrdersByAccountThenDay()
    {
        SubscriptionChange start = new("S1", "P1", new DateOnly(2025, 4, 1), Plan.Starter, 20, 12_345.67m);
        SubscriptionChange upgrade = new("S2", "P1", new DateOnly(2026, 1, 15), Plan.Pro, 35, 48_000.10m);
        SubscriptionChange other = new("S0", "P2", new DateOnly(2024, 1, 1), Plan.Enterprise, 500, 1_234_567_890.123456m); // more digits than a double holds

        int first = await Stores.Growth.UpsertSubscriptionsAsync([upgrade, other]);
        int second = await Stores.Growth.UpsertSubscriptionsAsync([start, upgrade with { Seats = 40, Arr = 48_000.11m }]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal([start, upgrade with { Seats = 40, Arr = 48_000.11m }], await Stores.Growth.ListSubscriptionsAsync("P1"));
        Assert.Equal(["S1", "S2", "S0"], (await Stores.Growth.ListSubscriptionsAsync(null)).Select(s => s.Id));
        Assert.Equal(1_234_567_890.123456m, (await Stores.Growth.ListSubscriptionsAsync("P2"))[0].Arr);
        Assert.Equal(SubscriptionMove.Expansion, SubscriptionHistory.Moves(await Stores.Growth.ListSubscriptionsAsync("P1"))[1].Move);
    }

    [StoreFact]
    public async Task WriteAsync_WritesTheGrowthLists_InTheSameTransaction_WithTheUpsertRules()
    {
        var batch = new WorkspaceBatch
        {
            Accounts = [Samples.Account("P1")],
            Features = [new("SSO", [], Plan.Pro, true), new("SCIM", ["SSO"], Plan.Enterprise)],
            FeatureUsage = [new("P1", March, "sso", 3), new("P1", April, "SCIM", 1)],
            FirstUses = [new("P1", "SSO", new DateOnly(2026, 3, 9)), new("P1", "Audit log", new DateOnly(2026, 2, 2))],
            Subscriptions = [new("S1", "P1", new DateOnly(2026, 1, 1), Plan.Pro, 10, 9_999.99m)],
        };

        WorkspaceWriteResult first = await Stores.WriteAsync(batch);
        WorkspaceWriteResult again = await Stores.WriteAsync(batch);

        // The explicit SSO first use is not new: the usage row before it in the batch made one (1 March, the earlier day).
        Assert.Equal(new WorkspaceWriteResult(true, 1 + 2 + 2 + 1 + 1), first);
        Assert.Equal(new WorkspaceWriteResult(true, 0), again);
        Assert.Equal(["SCIM", "SSO"], (await Stores.Growth.ListFeaturesAsync()).Select(f => f.Name));
        Assert.Equal(["SSO", "SCIM"], (await Stores.Growth.ListFeatureUsageAsync("P1")).Select(u => u.Feature));
        Assert.Equal(
            [
                new FeatureFirstUse("P1", "Audit log", new DateOnly(2026, 2, 2)),
                new FeatureFirstUse("P1", "SSO", March),
                new FeatureFirstUse("P1", "SCIM", April),
            ],
            await Stores.Growth.ListFirstUsesAsync("P1"));
        Assert.Equal(9_999.99m, Assert.Single(await Stores.Growth.ListSubscriptionsAsync("P1")).Arr);
    }

    [StoreFact]
    public async Task WriteAsync_WritesNoGrowthRows_WhenOnlyIfEmptyAndTheWorkspaceHasData()
    {
        await Stores.Users.UpsertAsync([Samples.User("someone")]);

        WorkspaceWriteResult result = await Stores.WriteAsync(new WorkspaceBatch
        {
            OnlyIfEmpty = true,
            Features = [new("SSO", [], Plan.Pro)],
            Subscriptions = [new("S1", "P1", March, Plan.Pro, 10, 1m)],
        });

        Assert.Equal(WorkspaceWriteResult.Skipped, result);
        Assert.Empty(await Stores.Growth.ListFeaturesAsync());
        Assert.Empty(await Stores.Growth.ListSubscriptionsAsync(null));
    }

    [StoreFact]
    public async Task DataVersions_MoveOnEveryGrowthWrite_AndNotOnEvents()
    {
        Assert.Equal(IDataVersions.HistoryTables.Concat(IDataVersions.GrowthTables), IDataVersions.Tables);
        Dictionary<string, long?> before = await VersionsAsync();

        await Stores.Growth.UpsertFeaturesAsync([new("SSO", [], Plan.Pro)]);
        await Stores.Growth.UpsertSubscriptionsAsync([new("S1", "P1", March, Plan.Pro, 10, 1m)]);
        await Stores.Growth.UpsertFeatureUsageAsync([new("P1", March, "SSO", 2)]);
        Dictionary<string, long?> afterWrites = await VersionsAsync();
        await Stores.Growth.ApplyFeatureEventsAsync([Used("e1", "P2", "SSO", 3)]);
        Dictionary<string, long?> afterEvent = await VersionsAsync();
        await Stores.Growth.ApplyFeatureEventsAsync([Used("e1", "P2", "SSO", 3)]);
        Dictionary<string, long?> afterResent = await VersionsAsync();

        Assert.All(IDataVersions.GrowthTables, t => Assert.NotNull(before[t]));
        Assert.All(IDataVersions.GrowthTables, t => Assert.NotEqual(before[t], afterWrites[t]));
        Assert.All(IDataVersions.HistoryTables, t => Assert.Equal(before[t], afterWrites[t]));
        Assert.NotEqual(afterWrites["feature_usage"], afterEvent["feature_usage"]);
        Assert.NotEqual(afterWrites["feature_first_uses"], afterEvent["feature_first_uses"]);
        Assert.Equal(afterEvent["feature_usage"], afterResent["feature_usage"]);
    }

    [StoreFact]
    public async Task DataVersions_Move_WhenAnotherInstanceWrites()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        long? before = await Stores.DataVersions.GetAsync("subscriptions");

        await other.Growth.UpsertSubscriptionsAsync([new("S1", "P1", March, Plan.Pro, 10, 1m)]);

        Assert.NotEqual(before, await Stores.DataVersions.GetAsync("subscriptions"));
    }

    [StoreFact]
    public async Task DataHash_CoversTheGrowthTables_AndIsUnchangedWithoutGrowthData()
    {
        await Stores.Accounts.UpsertAsync([Samples.Account("P1")]);
        string plain = await WorkspaceDataHash.ComputeAsync(Stores);
        await Stores.Growth.UpsertSubscriptionsAsync([new("S1", "P1", March, Plan.Pro, 10, 1m)]);
        string withSubscription = await WorkspaceDataHash.ComputeAsync(Stores);
        await Stores.Growth.UpsertSubscriptionsAsync([new("S1", "P1", March, Plan.Pro, 11, 1m)]);
        string withMoreSeats = await WorkspaceDataHash.ComputeAsync(Stores);
        await Stores.Growth.UpsertFeatureUsageAsync([new("P1", March, "SSO", 2)]);
        string withUsage = await WorkspaceDataHash.ComputeAsync(Stores);

        Assert.Equal(64, plain.Length);
        Assert.Equal(4, new[] { plain, withSubscription, withMoreSeats, withUsage }.Distinct().Count());
    }

    private async Task<Dictionary<string, long?>> VersionsAsync()
    {
        var versions = new Dictionary<string, long?>();
        foreach (string table in IDataVersions.Tables)
        {
            versions[table] = await Stores.DataVersions.GetAsync(table);
        }

        return versions;
    }
}
