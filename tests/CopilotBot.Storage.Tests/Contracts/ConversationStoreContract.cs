using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class ConversationStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly DateTimeOffset Day = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task UpsertAsync_ReplacesTheTurnsAsAWhole_AndCountsNewConversations()
    {
        int first = await Stores.Conversations.UpsertAsync(
        [
            (Samples.Conversation("C1", "P1", Day), [Samples.Turn("C1", 1, Day, "one"), Samples.Turn("C1", 2, Day, "two"), Samples.Turn("C1", 3, Day, "three")]),
        ]);

        int second = await Stores.Conversations.UpsertAsync(
        [
            (Samples.Conversation("C1", "P1", Day) with { Topic = "outage" }, [Samples.Turn("C1", 1, Day, "only", Speaker.Agent)]),
            (Samples.Conversation("C2", null, Day), []),
        ]);

        Assert.Equal(1, first);
        Assert.Equal(1, second);
        Assert.Equal("outage", (await Stores.Conversations.GetAsync("C1"))!.Topic);
        Assert.Equal([Samples.Turn("C1", 1, Day, "only", Speaker.Agent)], await Stores.Conversations.GetTurnsAsync("C1"));
        Assert.Empty(await Stores.Conversations.GetTurnsAsync("C2"));
        Assert.Equal(2, await Stores.Conversations.CountAsync());
    }

    [StoreFact]
    public async Task GetAsync_RoundTripsTimesAsWholeSecondUtc_AndNullsAndUnicode()
    {
        // 10:15:30.789 at UTC+2: stored at the workspace's resolution, the whole second, and read back in UTC.
        var local = new DateTimeOffset(2026, 3, 1, 10, 15, 30, 789, TimeSpan.FromHours(2));
        var utc = new DateTimeOffset(2026, 3, 1, 8, 15, 30, TimeSpan.Zero);
        var conversation = new SupportConversation("C1", null, local, null, null, null, null);
        await Stores.Conversations.UpsertAsync([(conversation, [Samples.Turn("C1", 1, local.AddMilliseconds(999), "Ça ne marche pas 😡 — 请帮忙\nline two\t\"quoted\"")])]);

        SupportConversation stored = (await Stores.Conversations.GetAsync("C1"))!;
        ConversationTurn turn = Assert.Single(await Stores.Conversations.GetTurnsAsync("C1"));

        Assert.Equal(conversation with { StartedAt = utc }, stored);
        Assert.Equal(TimeSpan.Zero, stored.StartedAt.Offset);
        Assert.Equal(utc.AddSeconds(1), turn.At);
        Assert.Equal("Ça ne marche pas 😡 — 请帮忙\nline two\t\"quoted\"", turn.Text);
        Assert.Null(await Stores.Conversations.GetAsync("C9"));
    }

    [StoreFact]
    public async Task ListAsync_FiltersByAccountAndHalfOpenRange_OrderedByStartThenId()
    {
        await Stores.Conversations.UpsertAsync(
        [
            (Samples.Conversation("C3", "P1", Day.AddDays(1)), []),
            (Samples.Conversation("C2", "P1", Day), []),
            (Samples.Conversation("C1", "P1", Day), []),
            (Samples.Conversation("C4", "P2", Day.AddDays(2)), []),
            (Samples.Conversation("C5", null, Day.AddDays(-1)), []),
        ]);

        var all = await Stores.Conversations.ListAsync(null, null, null);
        var p1 = await Stores.Conversations.ListAsync("P1", null, null);
        var range = await Stores.Conversations.ListAsync(null, Day, Day.AddDays(2));
        var from = await Stores.Conversations.ListAsync(null, Day.AddDays(1), null);

        Assert.Equal(["C5", "C1", "C2", "C3", "C4"], all.Select(c => c.Id));
        Assert.Equal(["C1", "C2", "C3"], p1.Select(c => c.Id));
        Assert.Equal(["C1", "C2", "C3"], range.Select(c => c.Id));
        Assert.Equal(["C3", "C4"], from.Select(c => c.Id));
    }

    [StoreFact]
    public async Task ListTurnsAsync_ReturnsTurnsOfConversationsStartedInRange_OrderedByConversationAndSeq()
    {
        await Stores.Conversations.UpsertAsync(
        [
            (Samples.Conversation("C2", "P1", Day), [Samples.Turn("C2", 2, Day, "b2"), Samples.Turn("C2", 1, Day, "b1")]),
            (Samples.Conversation("C1", "P2", Day.AddDays(1)), [Samples.Turn("C1", 1, Day, "a1")]),
            (Samples.Conversation("C3", "P1", Day.AddDays(5)), [Samples.Turn("C3", 1, Day, "c1")]),
        ]);

        var all = await Stores.Conversations.ListTurnsAsync(null, null, null);
        var p1 = await Stores.Conversations.ListTurnsAsync("P1", null, null);
        var early = await Stores.Conversations.ListTurnsAsync(null, null, Day.AddDays(2));

        Assert.Equal(["a1", "b1", "b2", "c1"], all.Select(t => t.Text));
        Assert.Equal(["b1", "b2", "c1"], p1.Select(t => t.Text));
        Assert.Equal(["a1", "b1", "b2"], early.Select(t => t.Text));
    }
}
