using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Growth;
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
/// Feature events go to the growth store; the first uses they make are in the result. Growth triggers run too: a key
/// feature's first use raises <c>next_step</c> (with what similar accounts adopt next, when <paramref name="insights"/> is
/// given), and usage reaching the seats bought raises <c>seat_ceiling</c>.
/// </summary>
public sealed class EventIngestor(
    IActivityStore activity,
    IAccountStore accounts,
    IGrowthStore growth,
    ChurnRiskService risk,
    AlertEngine engine,
    TimeProvider clock,
    GrowthService? insights = null)
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
        var alerts = new List<Alert>(await engine.OnRiskChangesAsync(changes, clock.GetUtcNow(), cancellationToken));
        alerts.AddRange(await GrowthAlertsAsync(batch, applied, changes, features.FirstUses, cancellationToken));
        int duplicates = batch.Usage.Count - applied + batch.Features.Count - features.Applied;
        return new EventIngestResult(batch.Count, applied, duplicates, batch.Payments.Count, batch.Errors, changes.Count, alerts)
        {
            FeatureEvents = features.Applied,
            FirstUses = features.FirstUses,
        };
    }

    private async Task<IReadOnlyList<Alert>> GrowthAlertsAsync(
        EventBatch batch,
        int applied,
        IReadOnlyList<RiskChange> changes,
        IReadOnlyList<FeatureFirstUse> firstUses,
        CancellationToken cancellationToken)
    {
        var raised = new List<Alert>();
        DateTimeOffset now = clock.GetUtcNow();
        if (firstUses.Count > 0)
        {
            var key = (await growth.ListFeaturesAsync(cancellationToken)).Where(f => f.Key).Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var found = new List<(Account, FeatureFirstUse, string?)>();
            foreach (FeatureFirstUse use in firstUses.Where(u => key.Contains(u.Feature)))
            {
                if (await accounts.GetAsync(use.AccountId, cancellationToken) is { } account)
                {
                    found.Add((account, use, await NextStepAsync(account, cancellationToken)));
                }
            }

            raised.AddRange(await engine.OnFirstUsesAsync(found, now, cancellationToken));
        }

        // Seat ceilings from the active users the usage events report (a re-sent batch changed nothing: no alert).
        var seen = applied == 0 ? [] : batch.Usage.Where(u => u.ActiveUsers is not null)
            .GroupBy(u => u.AccountId).Select(g => g.MaxBy(u => u.ActiveUsers)!).ToList();
        if (seen.Count > 0)
        {
            var after = changes.Where(c => c.After is not null).ToDictionary(c => c.Account.Id, c => c.After!.Probability, StringComparer.Ordinal);
            var scored = (await risk.ScoreAsync(cancellationToken)).ToDictionary(r => r.Account.Id, r => r.Probability, StringComparer.Ordinal);
            var candidates = new List<AlertEngine.Candidate>();
            foreach (UsageEvent e in seen)
            {
                DateTime utc = e.At.UtcDateTime;
                if (await accounts.GetAsync(e.AccountId, cancellationToken) is { } account
                    && engine.SeatCeiling(account, e.ActiveUsers!.Value, new DateOnly(utc.Year, utc.Month, 1),
                        after.TryGetValue(account.Id, out double p) ? p : scored.TryGetValue(account.Id, out double q) ? q : null) is { } candidate)
                {
                    candidates.Add(candidate);
                }
            }

            raised.AddRange(await engine.RaiseAsync(candidates, now, cancellationToken));
        }

        return raised;
    }

    /// <summary>"Accounts like it usually adopt Workflows next (…)", from the adoption analysis; null without one.</summary>
    private async Task<string?> NextStepAsync(Account account, CancellationToken cancellationToken)
    {
        if (insights is null)
        {
            return null;
        }

        AdoptionAnalysis analysis = await insights.AdoptionAsync(cancellationToken);
        return analysis.NextStepsFor(account.Id) is { Recommendations: [var first, ..] }
            ? $"Next step: {first.Feature}. {first.Evidence.Sentence}"
            : null;
    }

    private static bool EndedBy(DateTimeOffset at, DateOnly today)
    {
        DateTime utc = at.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1).AddMonths(1) <= today;
    }
}
