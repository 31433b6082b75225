using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Alerts;

/// <summary>
/// What one batch of events did: <see cref="Applied"/> counts new usage events, <see cref="FeatureEvents"/> new
/// <c>feature_used</c> events, <see cref="Duplicates"/> the events of either kind already stored.
/// </summary>
public sealed record EventIngestResult(
    int Received,
    int Applied,
    int Duplicates,
    int Payments,
    IReadOnlyList<EventError> Rejected,
    int AccountsRescored,
    IReadOnlyList<Alert> Alerts)
{
    /// <summary>How many <c>feature_used</c> events were new.</summary>
    public int FeatureEvents { get; init; }

    /// <summary>The first uses the feature events made: an account using a feature for the first time ever.</summary>
    public IReadOnlyList<FeatureFirstUse> FirstUses { get; init; } = [];
}

/// <summary>
/// Usage, payment and feature events in, fresh risk and alerts out: events are stored once each (by id), the accounts
/// usage and payments touch are rescored with the current model (no retraining), and the triggers run on the change.
/// Feature events go to the growth store; the first uses they make are in the result.
/// </summary>
public sealed class EventIngestor(
    IActivityStore activity,
    IAccountStore accounts,
    IGrowthStore growth,
    ChurnRiskService risk,
    AlertEngine engine,
    TimeProvider clock)
{
    private static readonly TimeSpan AccountsCacheFor = TimeSpan.FromMinutes(1);
    private (HashSet<string> Ids, DateTimeOffset At)? _accounts;

    /// <summary>A parser that knows the workspace's accounts (refreshed every minute).</summary>
    public async Task<EventParser> ParserAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (_accounts is not { } cached || now - cached.At > AccountsCacheFor)
        {
            var ids = (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            _accounts = cached = (ids, now);
        }

        return new EventParser(cached.Ids, DateOnly.FromDateTime(now.UtcDateTime));
    }

    public async Task<EventIngestResult> IngestAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        int applied = 0;
        // Risk features read ended months only (a partial month would read as a drop in usage): events of the running month
        // are stored now and count when it ends, so only late-arriving usage and payments need a rescore today.
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var touched = batch.Usage.Where(u => EndedBy(u.At, today)).Select(u => u.AccountId)
            .Concat(batch.Payments.Select(p => p.AccountId)).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<RiskChange> changes = await risk.RefreshAsync(touched, async () =>
        {
            applied = batch.Usage.Count == 0 ? 0 : await activity.ApplyUsageEventsAsync(batch.Usage, cancellationToken);
            if (batch.Payments.Count > 0)
            {
                await activity.UpsertPaymentsAsync(batch.Payments, cancellationToken);
            }
        }, cancellationToken);

        // A batch of re-sent events changed nothing: no rescoring to report.
        if (applied + batch.Payments.Count == 0)
        {
            changes = [];
        }

        // Feature use does not enter the churn features: stored, no rescoring.
        FeatureEventsApplied features = batch.Features.Count == 0
            ? new FeatureEventsApplied(0, [])
            : await growth.ApplyFeatureEventsAsync(batch.Features, cancellationToken);
        IReadOnlyList<Alert> alerts = await engine.OnRiskChangesAsync(changes, clock.GetUtcNow(), cancellationToken);
        int duplicates = batch.Usage.Count - applied + batch.Features.Count - features.Applied;
        return new EventIngestResult(batch.Count, applied, duplicates, batch.Payments.Count, batch.Errors, changes.Count, alerts)
        {
            FeatureEvents = features.Applied,
            FirstUses = features.FirstUses,
        };
    }

    private static bool EndedBy(DateTimeOffset at, DateOnly today)
    {
        DateTime utc = at.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1).AddMonths(1) <= today;
    }
}
