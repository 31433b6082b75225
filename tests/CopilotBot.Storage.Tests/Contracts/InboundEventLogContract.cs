using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class InboundEventLogContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task TryMarkSeenAsync_IsTrueOnlyTheFirstTime_UntilPruned()
    {
        bool first = await Stores.InboundEvents.TryMarkSeenAsync("slack-event|Ev1", Samples.Noon);
        bool retry = await Stores.InboundEvents.TryMarkSeenAsync("slack-event|Ev1", Samples.Noon.AddMinutes(1));
        bool other = await Stores.InboundEvents.TryMarkSeenAsync("slack-event|Ev2", Samples.Noon.AddHours(2));

        int pruned = await Stores.InboundEvents.PruneAsync(Samples.Noon.AddHours(1));
        bool afterPrune = await Stores.InboundEvents.TryMarkSeenAsync("slack-event|Ev1", Samples.Noon.AddHours(3));
        bool stillSeen = await Stores.InboundEvents.TryMarkSeenAsync("slack-event|Ev2", Samples.Noon.AddHours(3));

        Assert.Equal((true, false, true), (first, retry, other));
        Assert.Equal(1, pruned);
        Assert.Equal((true, false), (afterPrune, stillSeen));
    }

    [StoreFact]
    public async Task PruneAsync_WithAPrefix_ForgetsOnlyThoseKeys()
    {
        await Stores.InboundEvents.TryMarkSeenAsync("inbound|slack-event|Ev1", Samples.Noon);
        await Stores.InboundEvents.TryMarkSeenAsync("digest|dana.whitfield|2026-11-21", Samples.Noon);
        await Stores.InboundEvents.TryMarkSeenAsync("inbound%|x", Samples.Noon);

        int pruned = await Stores.InboundEvents.PruneAsync(Samples.Noon.AddHours(1), "inbound|");

        Assert.Equal(1, pruned);
        Assert.True(await Stores.InboundEvents.TryMarkSeenAsync("inbound|slack-event|Ev1", Samples.Noon.AddHours(2)));
        Assert.False(await Stores.InboundEvents.TryMarkSeenAsync("digest|dana.whitfield|2026-11-21", Samples.Noon.AddHours(2)));
        Assert.False(await Stores.InboundEvents.TryMarkSeenAsync("inbound%|x", Samples.Noon.AddHours(2)));
    }

    [StoreFact]
    public async Task TryMarkSeenAsync_IsTrueExactlyOnce_WhenTwoInstancesSeeTheSameRetriesAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        bool[] claims = await RaceAsync([Stores, other], 30, (s, _) => s.InboundEvents.TryMarkSeenAsync("slack-event|EvRace", Samples.Noon));

        Assert.Single(claims, c => c);
    }
}
