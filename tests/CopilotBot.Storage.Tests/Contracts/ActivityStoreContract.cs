using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class ActivityStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly DateOnly March = new(2026, 3, 1);

    [StoreFact]
    public async Task UpsertUsageAsync_CountsNewMonths_AndRoundTripsDoublesExactly()
    {
        int first = await Stores.Activity.UpsertUsageAsync([new("P1", March, 10, 40, 0.1 + 0.2), new("P1", March.AddMonths(1), 12, 41, 0.5)]);

        int second = await Stores.Activity.UpsertUsageAsync([new("P1", March, 11, 42, 1d / 3), new("P2", March, 1, 1, 0)]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(
            [new("P1", March, 11, 42, 1d / 3), new("P1", March.AddMonths(1), 12, 41, 0.5)],
            await Stores.Activity.GetUsageAsync("P1"));
        Assert.Equal(["P1", "P1", "P2"], (await Stores.Activity.ListUsageAsync()).Select(u => u.AccountId));
        Assert.Empty(await Stores.Activity.GetUsageAsync("P9"));
    }

    [StoreFact]
    public async Task UpsertPaymentsAsync_CountsNewIds_AndOrdersByAccountThenDueDate()
    {
        Payment late = new("INV-2", "P1", new DateOnly(2026, 1, 15), new DateOnly(2026, 2, 1), 1_999.99m, PaymentStatus.Late);
        Payment open = new("INV-1", "P1", new DateOnly(2026, 2, 15), null, 2_000m, PaymentStatus.Open);
        Payment other = new("INV-0", "P0", new DateOnly(2026, 3, 15), null, 5m, PaymentStatus.Failed);

        int first = await Stores.Activity.UpsertPaymentsAsync([open, late]);
        int second = await Stores.Activity.UpsertPaymentsAsync([open with { PaidDate = new DateOnly(2026, 2, 16), Status = PaymentStatus.Paid }, other]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal([late, open with { PaidDate = new DateOnly(2026, 2, 16), Status = PaymentStatus.Paid }], await Stores.Activity.GetPaymentsAsync("P1"));
        Assert.Equal(["INV-0", "INV-2", "INV-1"], (await Stores.Activity.ListPaymentsAsync()).Select(p => p.Id));
    }

    [StoreFact]
    public async Task ApplyUsageEventsAsync_AppliesEachEventOnce_AndFoldsThemIntoTheMonth()
    {
        await Stores.Activity.UpsertUsageAsync([new("P1", March, 10, 100, 0.4)]);
        UsageEvent[] events =
        [
            new("e1", "P1", new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero), 5, 8, null),
            new("e2", "P1", new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), 7, 14, 0.55),
            new("e3", "P1", new DateTimeOffset(2026, 3, 7, 9, 0, 0, TimeSpan.Zero), 1, null, null),
        ];

        int first = await Stores.Activity.ApplyUsageEventsAsync(events);
        int again = await Stores.Activity.ApplyUsageEventsAsync(events);
        int mixed = await Stores.Activity.ApplyUsageEventsAsync([events[0], events[0] with { Id = "e4" }]);

        Assert.Equal(3, first);
        Assert.Equal(0, again);
        Assert.Equal(1, mixed);
        // Logins add up, active users keep the highest figure, adoption the latest one given.
        Assert.Equal(new UsageMonth("P1", March, 14, 100 + 5 + 7 + 1 + 5, 0.55), Assert.Single(await Stores.Activity.GetUsageAsync("P1")));
    }

    [StoreFact]
    public async Task ApplyUsageEventsAsync_StartsTheUtcMonth_WhenTheEventIsTheFirstOfItsMonth()
    {
        // 23:30 on 31 March at UTC−2 is 01:30 on 1 April UTC.
        var evening = new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2));

        int applied = await Stores.Activity.ApplyUsageEventsAsync([new("e1", "P1", evening, 3, null, null)]);

        Assert.Equal(1, applied);
        Assert.Equal(new UsageMonth("P1", new DateOnly(2026, 4, 1), 0, 3, 0), Assert.Single(await Stores.Activity.GetUsageAsync("P1")));
    }

    [StoreFact]
    public async Task ListLastActivityAsync_GivesEachAccountsLatestEventWithLogins_InUtc()
    {
        await Stores.Activity.ApplyUsageEventsAsync(
        [
            new("e1", "P1", new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero), 2, null, null),
            new("e2", "P1", new DateTimeOffset(2026, 3, 9, 11, 30, 15, TimeSpan.FromHours(2)), 1, null, null),
            new("e3", "P1", new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero), 0, 3, null),
            new("e4", "P2", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), 0, 3, null),
        ]);

        IReadOnlyDictionary<string, DateTimeOffset> last = await Stores.Activity.ListLastActivityAsync();

        Assert.Equal(["P1"], last.Keys);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 9, 30, 15, TimeSpan.Zero), last["P1"]);
        Assert.Equal(TimeSpan.Zero, last["P1"].Offset);
    }

    [StoreFact]
    public async Task ApplyUsageEventsAsync_CountsEveryEventOnce_WhenTwoInstancesApplyTheSameEventsAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        UsageEvent[] events = [.. Enumerable.Range(0, 40).Select(i => new UsageEvent("e" + i, "P1", new DateTimeOffset(2026, 3, 1, 8, 0, i, TimeSpan.Zero), 1, null, null))];

        int[] applied = await RaceAsync([Stores, other], 8, (s, i) => s.Activity.ApplyUsageEventsAsync(i % 2 == 0 ? events : [.. events.Reverse()]));

        Assert.Equal(40, applied.Sum());
        Assert.Equal(40, Assert.Single(await Stores.Activity.GetUsageAsync("P1")).Logins);
    }
}
