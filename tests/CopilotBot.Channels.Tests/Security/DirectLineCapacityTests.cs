using CopilotBot.Channels.DirectLine;
using CopilotBot.Channels.Tests.DirectLine;

namespace CopilotBot.Channels.Tests.Security;

/// <summary>
/// Issue #17 item 8: a burst of new Direct Line conversations must not push out one that is in use. Idle ones go first,
/// each user has a cap, and when every slot is in use a new conversation is refused with a reason.
/// </summary>
public sealed class DirectLineCapacityTests
{
    [Fact]
    public void TryGetOrStart_KeepsTheConversationInUse_When260NewOnesArrive()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions(), clock);
        DirectLineConversation mine = store.TryGetOrStart("mine", "riley.chen").Conversation!;
        Assert.True(mine.TryOpenStream(4)); // Web Chat's websocket is open: the conversation is in use

        var refused = 0;
        for (int i = 0; i < 260; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            refused += store.TryGetOrStart("flood-" + i, "user-" + i).Conversation is null ? 1 : 0;
        }

        Assert.Same(mine, store.Find("mine"));
        Assert.False(mine.IsEnded);
        Assert.True(refused > 0, "a full store must refuse new conversations rather than evict one in use");
        Assert.True(store.Count <= new DirectLineOptions().MaxConversations);
    }

    [Fact]
    public void TryGetOrStart_EvictsIdleConversationsFirst_WhenFull()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions { MaxConversations = 3 }, clock);
        DirectLineConversation streaming = store.TryGetOrStart("streaming", "u1").Conversation!;
        Assert.True(streaming.TryOpenStream(4));
        clock.Advance(TimeSpan.FromSeconds(1));
        store.TryGetOrStart("idle", "u2");
        clock.Advance(TimeSpan.FromMinutes(30));
        store.TryGetOrStart("recent", "u3");

        DirectLineStart next = store.TryGetOrStart("new", "u4");

        Assert.NotNull(next.Conversation);
        Assert.Null(store.Find("idle"));
        Assert.NotNull(store.Find("streaming")); // older, but its stream is open
        Assert.NotNull(store.Find("recent"));
    }

    [Fact]
    public void TryGetOrStart_RefusesWithAReason_WhenEverySlotIsInUse()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions { MaxConversations = 2 }, clock);
        store.TryGetOrStart("a", "u1");
        store.TryGetOrStart("b", "u2");

        DirectLineStart refused = store.TryGetOrStart("c", "u3");

        Assert.Null(refused.Conversation);
        Assert.False(string.IsNullOrWhiteSpace(refused.Refusal));
        Assert.NotNull(store.Find("a"));
        Assert.NotNull(store.Find("b"));
    }

    [Fact]
    public void TryGetOrStart_CapsConversationsPerUser_ReplacingTheirOwnIdleOnesOnly()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions { MaxConversationsPerUser = 3 }, clock);
        DirectLineConversation other = store.TryGetOrStart("other", "jamie.ortiz").Conversation!;
        for (int i = 0; i < 3; i++)
        {
            store.TryGetOrStart("flood-" + i, "attacker");
        }

        DirectLineStart fourth = store.TryGetOrStart("flood-3", "attacker");
        clock.Advance(TimeSpan.FromMinutes(30));
        DirectLineStart later = store.TryGetOrStart("flood-4", "attacker");

        Assert.Null(fourth.Conversation); // all three of theirs are in use: refused, nobody else's is touched
        Assert.NotNull(fourth.Refusal);
        Assert.NotNull(later.Conversation); // once theirs are idle, their own oldest makes room
        Assert.Equal(3, Enumerable.Range(0, 5).Count(i => store.Find("flood-" + i) is not null));
        Assert.Same(other, store.Find("other"));
    }
}
