using CopilotBot.Channels.Common;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Web;

/// <summary>
/// Inbound delivery ids (Slack event ids, Bot Framework activity ids) recorded in the workspace's database (SQLite or
/// PostgreSQL), so a retry is handled once whether it reaches another instance or this one after a restart; keys older than the time-to-live are pruned (at most once a minute per instance) and may then be claimed again.
/// </summary>
internal sealed class WorkspaceInboundDeduplicator(Func<IInboundEventLog> log, TimeProvider clock) : IInboundDeduplicator
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(15);

    // The log also holds keys that must outlive the TTL (one alert digest per person per day): only these are pruned.
    private const string Prefix = "inbound|";
    private readonly IntervalGate _prune = new(TimeSpan.FromMinutes(1));

    public async ValueTask<bool> TryClaimAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        DateTimeOffset now = clock.GetUtcNow();
        if (_prune.TryEnter(now))
        {
            await log().PruneAsync(now - TimeToLive, Prefix, cancellationToken);
        }

        return await log().TryMarkSeenAsync(Prefix + key, now, cancellationToken);
    }
}
