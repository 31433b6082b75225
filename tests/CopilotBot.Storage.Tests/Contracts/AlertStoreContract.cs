using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class AlertStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly DateTimeOffset Now = Samples.Noon;

    [StoreFact]
    public async Task TryRaiseAsync_StoresOncePerDedupeKey_AndRoundTripsTheAlert()
    {
        Alert alert = Samples.Alert("A1", "riley", Now, "usage_drop|P1|2026-W47") with { Summary = "Usage fell 40% at Zoë's 🚀" };

        AlertRaise first = await Stores.Alerts.TryRaiseAsync(alert, 5);
        AlertRaise again = await Stores.Alerts.TryRaiseAsync(alert with { Id = "A2" }, 5);
        AlertRaise otherRecipient = await Stores.Alerts.TryRaiseAsync(alert with { Id = "A3", RecipientId = "jamie" }, 5);

        Assert.Equal((AlertRaise.Raised, AlertRaise.Duplicate, AlertRaise.Duplicate), (first, again, otherRecipient));
        Assert.Equal(alert, await Stores.Alerts.GetAsync("A1"));
        Assert.Null(await Stores.Alerts.GetAsync("A2"));
    }

    [StoreFact]
    public async Task TryRaiseAsync_HoldsForTheDigest_WhenTheRecipientsHourIsFull()
    {
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("old", "riley", Now.AddMinutes(-121)), 2); // before every hour below
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("digest", "riley", Now.AddMinutes(-5), delivery: AlertDelivery.Digest), 2);
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("other", "jamie", Now), 2);

        AlertRaise[] raised =
        [
            await Stores.Alerts.TryRaiseAsync(Samples.Alert("A1", "riley", Now.AddMinutes(-30)), 2),
            await Stores.Alerts.TryRaiseAsync(Samples.Alert("A2", "riley", Now.AddMinutes(-10)), 2),
            await Stores.Alerts.TryRaiseAsync(Samples.Alert("A3", "riley", Now), 2),
        ];

        Assert.Equal([AlertRaise.Raised, AlertRaise.Raised, AlertRaise.Held], raised);
        Assert.Equal(AlertDelivery.Digest, (await Stores.Alerts.GetAsync("A3"))!.Delivery);
        Assert.Equal(AlertDelivery.Digest, (await Stores.Alerts.GetAsync("digest"))!.Delivery);
    }

    [StoreFact]
    public async Task MarkAsync_MovesOnlyFromTheExpectedState_KeepingTheChannelWhenNoneGiven()
    {
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("A1", "riley", Now), 5);

        bool sent = await Stores.Alerts.MarkAsync("A1", AlertDelivery.Pending, AlertDelivery.Sent, "slack", Now.AddMinutes(1));
        bool twice = await Stores.Alerts.MarkAsync("A1", AlertDelivery.Pending, AlertDelivery.Sent, "msteams", Now.AddMinutes(2));
        bool digested = await Stores.Alerts.MarkAsync("A1", AlertDelivery.Sent, AlertDelivery.Digested, null, Now.AddMinutes(3));
        bool missing = await Stores.Alerts.MarkAsync("A9", AlertDelivery.Pending, AlertDelivery.Sent, null, Now);

        Assert.Equal((true, false, true, false), (sent, twice, digested, missing));
        Alert a1 = (await Stores.Alerts.GetAsync("A1"))!;
        Assert.Equal((AlertDelivery.Digested, (DateTimeOffset?)Now.AddMinutes(3), "slack"), (a1.Delivery, a1.DeliveredAt, a1.DeliveredVia));
    }

    [StoreFact]
    public async Task ListAsync_FiltersByRecipientRangeAndState_OldestFirst()
    {
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("B", "riley", Now), 9);
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("A", "riley", Now), 9);
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("C", "riley", Now.AddHours(-2)), 9);
        await Stores.Alerts.TryRaiseAsync(Samples.Alert("D", "jamie", Now.AddHours(1)), 9);
        await Stores.Alerts.MarkAsync("B", AlertDelivery.Pending, AlertDelivery.Sent, "web", Now);

        Assert.Equal(["C", "A", "B", "D"], (await Stores.Alerts.ListAsync(null, null, null, null)).Select(a => a.Id));
        Assert.Equal(["C", "A", "B"], (await Stores.Alerts.ListAsync("riley", null, null, null)).Select(a => a.Id));
        Assert.Equal(["A", "B"], (await Stores.Alerts.ListAsync("riley", Now, Now.AddHours(1), null)).Select(a => a.Id));
        Assert.Equal(["C", "A"], (await Stores.Alerts.ListAsync("riley", null, null, AlertDelivery.Pending)).Select(a => a.Id));
        Assert.Empty(await Stores.Alerts.ListAsync("riley", Now.AddHours(1), null, null));
    }

    [StoreFact]
    public async Task DismissAsync_RefreshesTheDismissal_AndListsTheUsersInOrder()
    {
        await Stores.Alerts.DismissAsync(new("riley", "usage_drop", "P2", Now));
        await Stores.Alerts.DismissAsync(new("riley", "late_payment", "P1", Now.AddMinutes(1)));
        await Stores.Alerts.DismissAsync(new("riley", "usage_drop", "P2", Now.AddMinutes(2)));
        await Stores.Alerts.DismissAsync(new("jamie", "usage_drop", "P2", Now));

        Assert.Equal(
            [new AlertDismissal("riley", "late_payment", "P1", Now.AddMinutes(1)), new AlertDismissal("riley", "usage_drop", "P2", Now.AddMinutes(2))],
            await Stores.Alerts.ListDismissalsAsync("riley"));
        Assert.Empty(await Stores.Alerts.ListDismissalsAsync("nobody"));
    }

    [StoreFact]
    public async Task TryRaiseAsync_RaisesOnce_WhenTwoInstancesRaiseTheSameKeyAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        AlertRaise[] results = await RaceAsync([Stores, other], 20, (s, i) =>
            s.Alerts.TryRaiseAsync(Samples.Alert("A" + i, i % 2 == 0 ? "riley" : "jamie", Now, "usage_drop|P1|2026-W47"), 5));

        Assert.Single(results, r => r == AlertRaise.Raised);
        Assert.Equal(19, results.Count(r => r == AlertRaise.Duplicate));
        Assert.Single(await Stores.Alerts.ListAsync(null, null, null, null));
    }

    [StoreFact]
    public async Task TryRaiseAsync_KeepsTheHourlyLimit_WhenTwoInstancesRaiseForOneRecipientAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        AlertRaise[] results = await RaceAsync([Stores, other], 24, (s, i) => s.Alerts.TryRaiseAsync(Samples.Alert("A" + i, "riley", Now), 5));

        Assert.Equal(5, results.Count(r => r == AlertRaise.Raised));
        Assert.Equal(19, results.Count(r => r == AlertRaise.Held));
        Assert.Equal(5, (await other.Alerts.ListAsync("riley", null, null, AlertDelivery.Pending)).Count);
    }
}
