using System.Security.Cryptography;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class ChartImageStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static (string Hash, byte[] Png) Image(int seed)
    {
        byte[] png = new byte[3000];
        new Random(seed).NextBytes(png);
        return (Convert.ToHexStringLower(SHA256.HashData(png)), png);
    }

    [StoreFact]
    public async Task GetAsync_ReturnsTheSameBytesOnAnotherInstance_AndNullForAnUnknownHash()
    {
        (string hash, byte[] png) = Image(1);
        IWorkspaceStores other = await OpenInstanceAsync();

        await Stores.ChartImages.SaveAsync(hash, png, Samples.Noon);
        byte[]? served = await other.ChartImages.GetAsync(hash);
        byte[]? unknown = await other.ChartImages.GetAsync(Image(2).Hash);

        Assert.Equal(png, served);
        Assert.Null(unknown);
    }

    [StoreFact]
    public async Task SaveAsync_KeepsOneCopy_AndASecondSaveMakesItYoungAgain()
    {
        (string hash, byte[] png) = Image(1);

        await Stores.ChartImages.SaveAsync(hash, png, Samples.Noon);
        await Stores.ChartImages.SaveAsync(hash, png, Samples.Noon.AddDays(6));
        await Stores.ChartImages.SaveAsync(hash, png, Samples.Noon.AddDays(1)); // an instance that rendered it earlier
        int pruned = await Stores.ChartImages.PruneAsync(Samples.Noon.AddDays(3), keep: 100);

        Assert.Equal(0, pruned);
        Assert.Equal(png, await Stores.ChartImages.GetAsync(hash));
    }

    [StoreFact]
    public async Task PruneAsync_DropsImagesOlderThanTheCutoff_AndAllButTheNewest()
    {
        var images = Enumerable.Range(0, 6).Select(Image).ToArray();
        for (int i = 0; i < images.Length; i++)
        {
            await Stores.ChartImages.SaveAsync(images[i].Hash, images[i].Png, Samples.Noon.AddHours(i));
        }

        int byAge = await Stores.ChartImages.PruneAsync(Samples.Noon.AddHours(2), keep: 100);
        int byCount = await Stores.ChartImages.PruneAsync(Samples.Noon, keep: 2);
        bool[] kept = await Task.WhenAll(images.Select(async i => await Stores.ChartImages.GetAsync(i.Hash) is not null));

        Assert.Equal(2, byAge);
        Assert.Equal(2, byCount);
        Assert.Equal([false, false, false, false, true, true], kept);
    }

    [StoreFact]
    public async Task SaveAsync_KeepsOneCopy_WhenTwoInstancesSaveTheSameChartAtOnce()
    {
        (string hash, byte[] png) = Image(7);
        IWorkspaceStores other = await OpenInstanceAsync();

        await RaceAsync([Stores, other], 20, async (s, i) =>
        {
            await s.ChartImages.SaveAsync(hash, png, Samples.Noon.AddSeconds(i));
            return true;
        });
        int byAge = await Stores.ChartImages.PruneAsync(Samples.Noon.AddSeconds(19), keep: 100);
        int all = await Stores.ChartImages.PruneAsync(Samples.Noon, keep: 0);

        Assert.Equal(0, byAge); // the latest save counts, whichever instance committed last
        Assert.Equal(1, all);
        Assert.Null(await other.ChartImages.GetAsync(hash));
    }
}
