using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Scores every active account with the active model bundle and explains each score with TreeSHAP. Scores are
/// cached for a minute per model version and date; training happens on first use when no model exists yet.
/// </summary>
public sealed class ChurnRiskService(AccountHistoryLoader loader, ChurnModelStore models, TimeProvider clock) : IChurnRiskProvider
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    /// <summary>Above this many accounts, a refresh reloads every history in four queries rather than four per account.</summary>
    private const int BulkReloadAbove = 150;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _cache;
    private ChurnModelBundle? _bundle;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Makes sure a model exists, training one (with progress) when the workspace has none.</summary>
    public async Task<ChurnModelBundle> EnsureModelAsync(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        // The parsed bundle is kept per version: scores refresh every minute, the model file only changes with a new version.
        int? active = await models.ActiveVersionAsync(cancellationToken);
        if (_bundle is { } cached && cached.Version == active)
        {
            return cached;
        }

        if (await models.LoadActiveAsync(cancellationToken) is { } bundle)
        {
            _bundle = bundle;
            return bundle;
        }

        IReadOnlyList<AccountHistory> histories = await loader.LoadAsync(cancellationToken);
        ChurnModelBundle trained = new WorkspaceChurnTrainer().Train(histories, Today, clock.GetUtcNow(), progress, cancellationToken);
        _bundle = await models.SaveAsync(trained, cancellationToken);
        return _bundle;
    }

    public async Task<IReadOnlyList<AccountRisk>> ScoreAsync(CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(cancellationToken)).Risks;

    public async Task<AccountRisk?> ExplainAsync(string accountId, CancellationToken cancellationToken)
    {
        Snapshot snapshot = await GetSnapshotAsync(cancellationToken);
        return snapshot.Risks.FirstOrDefault(r => string.Equals(r.Account.Id, accountId, StringComparison.OrdinalIgnoreCase));
    }

    public async Task<IReadOnlyList<AccountRisk>> ScoreAsOfAsync(DateOnly date, CancellationToken cancellationToken)
    {
        Snapshot snapshot = await GetSnapshotAsync(cancellationToken);
        if (date == snapshot.Today)
        {
            return snapshot.Risks;
        }

        // Past dates (trends, backtests) are scored from the same loaded histories and kept with the snapshot.
        return snapshot.Past.GetOrAdd(date, d => Score(snapshot.Bundle, snapshot.Histories, d));
    }

    /// <summary>
    /// Rescores some accounts with the current model after new data arrived (usage or payment events), without retraining
    /// and without rescoring the whole book; returns each account's risk before <paramref name="write"/> stored the new
    /// data and after.
    /// </summary>
    public async Task<IReadOnlyList<RiskChange>> RefreshAsync(IReadOnlyCollection<string> accountIds, Func<Task> write, CancellationToken cancellationToken)
    {
        var ids = accountIds.ToHashSet(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            // Nothing to rescore (e.g. only running-month usage): no snapshot is needed, cold or warm.
            await write();
            return [];
        }

        // The scores before the write: taken first, so a snapshot built after the write cannot hide the change.
        var before = (await GetSnapshotAsync(cancellationToken)).Risks.Where(r => ids.Contains(r.Account.Id)).ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
        await write();

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Snapshot current = _cache!;
            IReadOnlyList<AccountHistory> fresh = ids.Count > BulkReloadAbove
                ? (await loader.LoadAsync(cancellationToken)).Where(h => ids.Contains(h.Account.Id)).ToList()
                : await loader.LoadAsync(ids, cancellationToken);
            IReadOnlyList<AccountRisk> rescored = Score(current.Bundle, fresh, current.Today);
            var after = rescored.ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
            var risks = current.Risks.Where(r => !ids.Contains(r.Account.Id)).Concat(rescored).OrderByDescending(r => r.Probability).ToList();
            var histories = current.Histories.Where(h => !ids.Contains(h.Account.Id)).Concat(fresh).ToList();
            _cache = current with { Risks = risks, Histories = histories };
            return fresh.Select(h => new RiskChange(h.Account, before.GetValueOrDefault(h.Account.Id), after.GetValueOrDefault(h.Account.Id))).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forget cached scores (after an import or a new model).</summary>
    public void Invalidate() => _cache = null;

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        int? version = await models.ActiveVersionAsync(cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        if (_cache is { } c && c.Version == version && c.Today == Today && now - c.At < CacheFor)
        {
            return c;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache is { } again && again.Version == version && again.Today == Today && now - again.At < CacheFor)
            {
                return again;
            }

            ChurnModelBundle bundle = await EnsureModelAsync(null, cancellationToken);
            IReadOnlyList<AccountHistory> histories = await loader.LoadAsync(cancellationToken);
            _cache = new Snapshot(bundle.Version, Today, now, Score(bundle, histories, Today), bundle, histories);
            return _cache;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Scores and explains every active account; pure, so tests can call it directly.</summary>
    public static IReadOnlyList<AccountRisk> Score(ChurnModelBundle bundle, IReadOnlyList<AccountHistory> histories, DateOnly today)
    {
        var activeHistories = histories.Where(h => ChurnDataset.IsActiveOn(h.Account, today)).ToList();
        TabularData data = ChurnDataset.Scoring(activeHistories, bundle.Main.Schema, today);
        var active = activeHistories.Select(h => h.Account).ToList();
        double[] p90 = bundle.Models[90].Score(data);
        double[] p30 = bundle.Models[30].Score(data);
        double[] p7 = bundle.Models[7].Score(data);
        var risks = new List<AccountRisk>(active.Count);
        for (int row = 0; row < active.Count; row++)
        {
            int r = row;
            // One TreeSHAP pass per account serves both the drivers (in words and points) and the raw contributions.
            var explanation = new Lazy<PredictionExplanation>(() => bundle.Main.Explain(data, r));
            var drivers = new Lazy<IReadOnlyList<RiskDriver>>(() => Drivers(explanation.Value));
            double p7r = Math.Min(p7[row], p90[row]);
            double p30r = Math.Min(Math.Max(p30[row], p7[row]), p90[row]);
            risks.Add(new AccountRisk(active[row], p90[row], AccountRisk.Bucket(p7[row], p30[row], p90[row]), drivers, p7r, p30r)
            {
                LazyExplanation = explanation,
            });
        }

        return risks.OrderByDescending(r => r.Probability).ToList();
    }

    private static IReadOnlyList<RiskDriver> Drivers(PredictionExplanation explanation)
    {
        IReadOnlyList<double> points = explanation.ProbabilityPointContributions();
        return explanation.Contributions
            .Select((c, i) => new RiskDriver(c.Feature, DriverText.Describe(c), points[i] * 100))
            .Where(d => Math.Abs(d.Points) >= 0.5)
            .OrderByDescending(d => Math.Abs(d.Points))
            .ToList();
    }

    private sealed record Snapshot(
        int? Version,
        DateOnly Today,
        DateTimeOffset At,
        IReadOnlyList<AccountRisk> Risks,
        ChurnModelBundle Bundle,
        IReadOnlyList<AccountHistory> Histories)
    {
        public System.Collections.Concurrent.ConcurrentDictionary<DateOnly, IReadOnlyList<AccountRisk>> Past { get; } = new();
    }
}
