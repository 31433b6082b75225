using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class RateLimitStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [StoreFact]
    public async Task TryTakeAsync_GrantsTheBurst_ThenSaysWhenTheNextTokenIsThere()
    {
        var results = new List<TimeSpan?>();
        for (int i = 0; i < 4; i++)
        {
            results.Add(await Stores.RateLimits.TryTakeAsync("u-1", 3, TenSeconds, Samples.Noon));
        }

        TimeSpan? laterRefused = await Stores.RateLimits.TryTakeAsync("u-1", 3, TenSeconds, Samples.Noon.AddSeconds(4));
        TimeSpan? otherKey = await Stores.RateLimits.TryTakeAsync("u-2", 3, TenSeconds, Samples.Noon);
        TimeSpan? refilled = await Stores.RateLimits.TryTakeAsync("u-1", 3, TenSeconds, Samples.Noon.AddSeconds(10));
        TimeSpan? emptyAgain = await Stores.RateLimits.TryTakeAsync("u-1", 3, TenSeconds, Samples.Noon.AddSeconds(10));

        Assert.Equal([null, null, null, TenSeconds], results);
        Assert.Equal(TimeSpan.FromSeconds(6), laterRefused);
        Assert.Null(otherKey);
        Assert.Null(refilled);
        Assert.Equal(TenSeconds, emptyAgain);
    }

    [StoreFact]
    public async Task TryTakeAsync_RefillsNoMoreThanTheBurst_AfterALongPause()
    {
        await Stores.RateLimits.TryTakeAsync("u-1", 2, TenSeconds, Samples.Noon);

        var later = new List<TimeSpan?>();
        for (int i = 0; i < 3; i++)
        {
            later.Add(await Stores.RateLimits.TryTakeAsync("u-1", 2, TenSeconds, Samples.Noon.AddHours(1)));
        }

        Assert.Equal([null, null, TenSeconds], later);
    }

    [StoreFact]
    public async Task TryTakeAsync_KeepsSubSecondSteps_WhenTheIntervalIsUnderASecond()
    {
        TimeSpan interval = TimeSpan.FromMilliseconds(100); // 600 a minute

        TimeSpan? first = await Stores.RateLimits.TryTakeAsync("u-1", 1, interval, Samples.Noon);
        TimeSpan? second = await Stores.RateLimits.TryTakeAsync("u-1", 1, interval, Samples.Noon.AddMilliseconds(30));
        TimeSpan? third = await Stores.RateLimits.TryTakeAsync("u-1", 1, interval, Samples.Noon.AddMilliseconds(100));

        Assert.Null(first);
        Assert.Equal(TimeSpan.FromMilliseconds(70), second);
        Assert.Null(third);
    }

    [StoreFact]
    public async Task TryTakeAsync_GrantsExactlyTheBurst_WhenTwoInstancesTakeAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        TimeSpan?[] results = await RaceAsync([Stores, other], 40, (s, _) => s.RateLimits.TryTakeAsync("u-race", 10, TimeSpan.FromHours(1), Samples.Noon));

        Assert.Equal(10, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), r => Assert.True(r > TimeSpan.Zero && r <= TimeSpan.FromHours(1), $"wait {r}"));
    }

    [StoreFact]
    public async Task PruneAsync_ForgetsOnlyBucketsThatWereFullAgain()
    {
        await Stores.RateLimits.TryTakeAsync("light", 3, TenSeconds, Samples.Noon); // full again at noon + 10 s
        for (int i = 0; i < 3; i++)
        {
            await Stores.RateLimits.TryTakeAsync("heavy", 3, TenSeconds, Samples.Noon); // full again at noon + 30 s
        }

        int pruned = await Stores.RateLimits.PruneAsync(Samples.Noon.AddSeconds(20));
        TimeSpan? heavy = await Stores.RateLimits.TryTakeAsync("heavy", 3, TenSeconds, Samples.Noon.AddSeconds(5));

        Assert.Equal(1, pruned);
        Assert.Equal(TimeSpan.FromSeconds(5), heavy);
    }
}
