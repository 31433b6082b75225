using CopilotBot.Channels.Common;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class DeduplicatorTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task First_claim_wins_and_repeats_are_refused()
    {
        var dedupe = new MemoryInboundDeduplicator();

        Assert.True(await dedupe.TryClaimAsync("a"));
        Assert.False(await dedupe.TryClaimAsync("a"));
        Assert.True(await dedupe.TryClaimAsync("b"));
    }

    [Fact]
    public async Task Entries_expire_after_the_ttl()
    {
        var clock = new ManualClock();
        var dedupe = new MemoryInboundDeduplicator(timeToLive: TimeSpan.FromMinutes(10), clock: clock);
        await dedupe.TryClaimAsync("a");

        clock.Now += TimeSpan.FromMinutes(9);
        Assert.False(await dedupe.TryClaimAsync("a"));

        clock.Now += TimeSpan.FromMinutes(2);
        Assert.True(await dedupe.TryClaimAsync("a"));
    }

    [Fact]
    public async Task Capacity_is_bounded_by_evicting_the_oldest()
    {
        var dedupe = new MemoryInboundDeduplicator(capacity: 3);
        foreach (string key in new[] { "a", "b", "c", "d" })
        {
            Assert.True(await dedupe.TryClaimAsync(key));
        }

        Assert.Equal(3, dedupe.Count);
        Assert.True(await dedupe.TryClaimAsync("a"));
        Assert.False(await dedupe.TryClaimAsync("d"));
    }

    [Fact]
    public async Task Concurrent_claims_of_one_key_let_exactly_one_through()
    {
        var dedupe = new MemoryInboundDeduplicator();

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await dedupe.TryClaimAsync("same"))));

        Assert.Single(results, r => r);
    }
}
