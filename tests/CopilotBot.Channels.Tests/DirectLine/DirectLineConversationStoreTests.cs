using CopilotBot.Channels.DirectLine;

namespace CopilotBot.Channels.Tests.DirectLine;

public sealed class DirectLineConversationStoreTests
{
    [Fact]
    public void GetOrStart_ReturnsTheRunningConversation_WhenItExists()
    {
        var store = new DirectLineConversationStore(new DirectLineOptions(), new ManualClock());

        (DirectLineConversation first, bool created) = store.GetOrStart("c1", "jamie.ortiz");
        (DirectLineConversation again, bool createdAgain) = store.GetOrStart("c1", "jamie.ortiz");

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Same(first, again);
    }

    [Fact]
    public void Sweep_ForgetsIdleConversations_ButNotOnesWithAnOpenStream()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions { ConversationIdleTimeout = TimeSpan.FromMinutes(10) }, clock);
        (DirectLineConversation idle, _) = store.GetOrStart("idle", "u1");
        (DirectLineConversation streaming, _) = store.GetOrStart("streaming", "u2");
        (DirectLineConversation busy, _) = store.GetOrStart("busy", "u3");
        Assert.True(streaming.TryOpenStream(4));

        clock.Advance(TimeSpan.FromMinutes(9));
        busy.Touch();
        clock.Advance(TimeSpan.FromMinutes(2));
        int removed = store.Sweep();

        Assert.Equal(1, removed);
        Assert.Null(store.Find("idle"));
        Assert.True(idle.IsEnded);
        Assert.True(idle.Ended.IsCancellationRequested);
        Assert.Same(streaming, store.Find("streaming"));
        Assert.Same(busy, store.Find("busy"));
    }

    [Fact]
    public void GetOrStart_ForgetsTheLeastRecentlyUsed_WhenFull()
    {
        var clock = new ManualClock();
        var store = new DirectLineConversationStore(new DirectLineOptions { MaxConversations = 2 }, clock);
        store.GetOrStart("a", "u");
        clock.Advance(TimeSpan.FromSeconds(1));
        store.GetOrStart("b", "u");
        clock.Advance(TimeSpan.FromMinutes(20)); // both idle past the in-use window; then "a" is used again
        store.Find("a");

        store.GetOrStart("c", "u");

        Assert.Equal(2, store.Count);
        Assert.NotNull(store.Find("a"));
        Assert.Null(store.Find("b"));
        Assert.NotNull(store.Find("c"));
    }

    [Theory]
    [InlineData("Fif6-5F-gC_pjgunHbcMoQ", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("a|0000001", false)]
    public void IsWellFormedId_AcceptsOnlyShortUrlSafeIds(string id, bool expected)
    {
        Assert.Equal(expected, DirectLineConversationStore.IsWellFormedId(id));
        Assert.True(DirectLineConversationStore.IsWellFormedId(DirectLineConversationStore.NewId()));
    }
}
