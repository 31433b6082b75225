using System.Collections.Concurrent;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// Loads the workspace's growth data once per data version and day, and keeps what is built from it (the adoption
/// analysis, the expansion model) until the data changes: a question costs a lookup, not a load and a training run. The
/// stamp is read before the data, so a write racing a load only makes the next question load again.
/// </summary>
public sealed class GrowthService(
    IAccountStore accounts,
    IActivityStore activity,
    IConversationStore conversations,
    IGrowthStore growth,
    IDataVersions? versions,
    TimeProvider clock)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Snapshot? _current;

    /// <summary>Today, as the workspace's clock says.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The growth data as of today (loaded again only when a table changed or the day moved on).</summary>
    public async Task<GrowthData> DataAsync(CancellationToken cancellationToken = default) =>
        (await SnapshotAsync(cancellationToken)).Data;

    /// <summary>
    /// Something built from today's data, built once per data version under <paramref name="key"/> (concurrent callers
    /// share one build; a build that throws is forgotten so the next call tries again).
    /// </summary>
    public async Task<T> GetAsync<T>(string key, Func<GrowthData, T> build, CancellationToken cancellationToken = default)
        where T : class
    {
        Snapshot snapshot = await SnapshotAsync(cancellationToken);
        Lazy<Task<object>> lazy = snapshot.Built.GetOrAdd(key, _ => new Lazy<Task<object>>(() => Task.Run(() => (object)build(snapshot.Data))));
        try
        {
            return (T)await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            snapshot.Built.TryRemove(new KeyValuePair<string, Lazy<Task<object>>>(key, lazy));
            throw;
        }
    }

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        DateOnly today = Today;
        string? stamp = await StampAsync(cancellationToken);
        if (_current is { } current && current.Today == today && stamp is not null && current.Stamp == stamp)
        {
            return current;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.Today == today && stamp is not null && again.Stamp == stamp)
            {
                return again;
            }

            var data = new GrowthData(
                today,
                await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken),
                await growth.ListFeaturesAsync(cancellationToken),
                await growth.ListFirstUsesAsync(null, cancellationToken),
                await growth.ListFeatureUsageAsync(null, cancellationToken),
                await growth.ListSubscriptionsAsync(null, cancellationToken),
                await activity.ListUsageAsync(cancellationToken),
                await conversations.ListAsync(null, null, null, cancellationToken));
            var snapshot = new Snapshot(today, stamp, data);
            _current = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private Task<string?> StampAsync(CancellationToken cancellationToken) => versions.StampAsync(IDataVersions.Tables, cancellationToken);

    private sealed record Snapshot(DateOnly Today, string? Stamp, GrowthData Data)
    {
        public ConcurrentDictionary<string, Lazy<Task<object>>> Built { get; } = new(StringComparer.Ordinal);
    }
}
