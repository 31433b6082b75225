using CopilotBot.Channels.Common;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Web;

/// <summary>
/// Chart images kept in the workspace's shared database, so the instance Slack fetches an image from need not be the one
/// that rendered it. Used when several instances share a PostgreSQL database. Bounded: at most once every ten minutes per
/// instance, images last saved over <see cref="MaxAge"/> ago, and all but the newest <see cref="MaxCount"/>, are pruned
/// (Slack keeps its own copy once it has fetched one; a chart sent again is saved again and young again).
/// </summary>
internal sealed class WorkspaceChartImages(Func<IChartImageStore> store, TimeProvider clock) : ISharedChartImages
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);
    public const int MaxCount = 10_000;
    private readonly IntervalGate _prune = new(TimeSpan.FromMinutes(10));

    public async Task SaveAsync(string hash, byte[] png, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (_prune.TryEnter(now))
        {
            await store().PruneAsync(now - MaxAge, MaxCount, cancellationToken);
        }

        await store().SaveAsync(hash, png, now, cancellationToken);
    }

    public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default) => store().GetAsync(hash, cancellationToken);
}
