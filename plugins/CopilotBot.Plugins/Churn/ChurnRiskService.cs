using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Scores every active account with the active model bundle and explains each score with TreeSHAP. Scores are
/// cached per model version and date and refreshed once they are a minute old (other processes — an import, another
/// instance — may have changed the data): the refresh runs in the background while questions are answered from the copy
/// in hand, because rescoring the whole book takes long enough to stall every question waiting on it. Only a new model,
/// a new day or an <see cref="Invalidate"/> makes questions wait; a new active version (trained or rolled back on any
/// instance sharing the database) is loaded from the database on the next question. Training happens on first use when
/// no model exists yet, once across instances.
/// </summary>
public sealed class ChurnRiskService(AccountHistoryLoader loader, ChurnModelStore models, TimeProvider clock) : IChurnRiskProvider
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    /// <summary>Above this many accounts, a refresh reloads every history in four queries rather than four per account.</summary>
    private const int BulkReloadAbove = 150;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _cache;
    private ChurnModelBundle? _bundle;
    private int _refreshing;

    /// <summary>Bumped by <see cref="Invalidate"/>: a refresh that loaded data before it must not store its snapshot after it.</summary>
    private int _generation;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>When the scores in hand were computed (null before the first question or after <see cref="Invalidate"/>).</summary>
    public DateTimeOffset? ScoredAt => _cache?.At;

    /// <summary>The latest background refresh (tests wait for it).</summary>
    internal Task BackgroundRefresh { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// The active model, training one (with progress) when the workspace has none. Instances sharing the database train
    /// once between them: the others wait for that model and load it.
    /// </summary>
    public async Task<ChurnModelBundle> EnsureModelAsync(IProgress<double>? progress, CancellationToken cancellationToken)
    {
        // The parsed bundle is kept per version: scores refresh every minute, a model only changes with a new version, and
        // the database numbers versions, so one number is one model on every instance (a new model or a rollback on another
        // instance changes the active number, and the bundle is loaded again).
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

        _bundle = await models.EnsureActiveAsync(
            async ct =>
            {
                IReadOnlyList<AccountHistory> histories = await loader.LoadAsync(ct);
                return new WorkspaceChurnTrainer().Train(histories, Today, clock.GetUtcNow(), progress, ct);
            },
            cancellationToken);
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
        return snapshot.ScoreAsOf(date);
    }

    /// <summary>Out-of-sample scores by (date, horizon): one lighter model each, trained once per process on first use.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(DateOnly, int), Lazy<IReadOnlyList<(Account Account, double Probability)>?>> _outOfSample = new();

    /// <summary>The backtest models: the workspace model's settings with fewer, larger steps (six of them per forecast).</summary>
    public static readonly GbdtOptions BacktestOptions = new() { MinSamplesLeaf = 40, EarlyStoppingRounds = 15, NumRounds = 150, LearningRate = 0.15 };

    public async Task<IReadOnlyList<(Account Account, double Probability)>?> ScoreOutOfSampleAsync(DateOnly date, int horizonDays, CancellationToken cancellationToken)
    {
        Snapshot snapshot = await GetSnapshotAsync(cancellationToken);
        Lazy<IReadOnlyList<(Account Account, double Probability)>?> lazy = _outOfSample.GetOrAdd((date, horizonDays), key =>
            new Lazy<IReadOnlyList<(Account Account, double Probability)>?>(() => ScoreOutOfSample(snapshot.Histories, key.Item1, key.Item2)));
        return await Task.Run(() => lazy.Value, cancellationToken);
    }

    /// <summary>Days of usage history a model needs before its training labels start: a quarter of features to learn from.</summary>
    public const int MinimumFeatureDays = 90;

    /// <summary>
    /// Trains on what was known on <paramref name="date"/> and scores the accounts active then; empty when too little was
    /// known then to train a model worth testing: fewer than five churns, or usage history shorter than the label window
    /// plus <see cref="MinimumFeatureDays"/> (its training rows would be read off months with no usage recorded yet).
    /// </summary>
    public static IReadOnlyList<(Account Account, double Probability)> ScoreOutOfSample(IReadOnlyList<AccountHistory> histories, DateOnly date, int horizonDays)
    {
        DateOnly? firstUsage = histories.SelectMany(h => h.Usage.Take(1)).Select(u => (DateOnly?)u.Month).Min();
        if (histories.Count(h => h.Account.ChurnedOn is { } c && c <= date) < 5 ||
            firstUsage is null || firstUsage.Value.AddDays(horizonDays + MinimumFeatureDays) > date)
        {
            return [];
        }

        GbdtModel model = new WorkspaceChurnTrainer(BacktestOptions).TrainAsOf(histories, date, horizonDays);
        var active = histories.Where(h => ChurnDataset.IsActiveOn(h.Account, date)).ToList();
        double[] p = model.Score(ChurnDataset.Scoring(active, model.Schema, date));
        return [.. active.Select((h, i) => (h.Account, p[i]))];
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
            // Invalidated meanwhile (an import): score the book afresh; it already holds the write.
            Snapshot current = _cache ?? await LoadAsync(Volatile.Read(ref _generation), clock.GetUtcNow(), cancellationToken);
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
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache = null;
    }

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        int? version = await models.ActiveVersionAsync(cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        if (_cache is { } c && c.Version == version && c.Today == Today)
        {
            if (now - c.At >= CacheFor)
            {
                RefreshInBackground(version);
            }

            return c;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cache is { } again && again.Version == version && again.Today == Today)
            {
                return again;
            }

            return await LoadAsync(Volatile.Read(ref _generation), now, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Loads and scores every history; call with the gate held. Stored unless <see cref="Invalidate"/> ran meanwhile.
    /// With <paramref name="warmFrom"/> (a background refresh), unchanged data keeps that snapshot's scores, and changed
    /// data has the past dates that snapshot had scored scored again before the swap: the first questions after a refresh
    /// must not all score the whole book for five past dates at once.
    /// </summary>
    private async Task<Snapshot> LoadAsync(int generation, DateTimeOffset now, CancellationToken cancellationToken, Snapshot? warmFrom = null)
    {
        ChurnModelBundle bundle = await EnsureModelAsync(null, cancellationToken);
        // The tables' versions first: when no write has changed them since the snapshot in hand, there is nothing to load
        // (a refresh every minute used to read every history again, a stall of a second or so on a busy instance).
        string? stamp = await loader.StampAsync(cancellationToken);
        bool sameModelAndDay = warmFrom is not null && warmFrom.Version == bundle.Version && warmFrom.Today == Today;
        if (sameModelAndDay && stamp is not null && stamp == warmFrom!.DataStamp)
        {
            Snapshot unchanged = warmFrom with { At = now };
            Store(generation, unchanged);
            return unchanged;
        }

        IReadOnlyList<AccountHistory> histories = await loader.LoadAsync(cancellationToken);
        Snapshot snapshot;
        if (sameModelAndDay && SameHistories(warmFrom!.Histories, histories))
        {
            snapshot = warmFrom with { At = now, DataStamp = stamp };
        }
        else
        {
            snapshot = new Snapshot(bundle.Version, Today, now, Score(bundle, histories, Today), bundle, histories) { DataStamp = stamp };
            if (sameModelAndDay)
            {
                foreach (DateOnly date in warmFrom!.ScoredDates)
                {
                    snapshot.ScoreAsOf(date);
                }
            }
        }

        Store(generation, snapshot);
        return snapshot;
    }

    /// <summary>Keeps the snapshot unless <see cref="Invalidate"/> ran since its load began.</summary>
    private void Store(int generation, Snapshot snapshot)
    {
        if (Volatile.Read(ref _generation) == generation)
        {
            _cache = snapshot;
        }
    }

    /// <summary>Whether two loads hold the same data (records compare by value; the loader orders histories the same way each time).</summary>
    private static bool SameHistories(IReadOnlyList<AccountHistory> a, IReadOnlyList<AccountHistory> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            AccountHistory x = a[i], y = b[i];
            if (x.Account != y.Account || !x.Usage.SequenceEqual(y.Usage) || !x.Payments.SequenceEqual(y.Payments) || !x.Conversations.SequenceEqual(y.Conversations))
            {
                return false;
            }
        }

        return true;
    }

    private void RefreshInBackground(int? version)
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        int generation = Volatile.Read(ref _generation);
        BackgroundRefresh = Task.Run(async () =>
        {
            await _gate.WaitAsync();
            try
            {
                // Someone else may have refreshed (or invalidated) while this waited for the gate.
                if (_cache is { } stale && stale.Version == version && clock.GetUtcNow() - stale.At >= CacheFor)
                {
                    await LoadAsync(generation, clock.GetUtcNow(), CancellationToken.None, warmFrom: stale);
                }
            }
            catch (Exception)
            {
                // The store failed: questions keep the copy in hand; the next one after the cache age retries, and a
                // question that needs the store reports the failure itself.
            }
            finally
            {
                _gate.Release();
                Volatile.Write(ref _refreshing, 0);
            }
        });
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
        /// <summary>The data's versions when the histories were loaded (<see cref="AccountHistoryLoader.StampAsync"/>).</summary>
        public string? DataStamp { get; init; }

        /// <summary>Scores as of past dates, each computed once however many questions ask for it at the same time.</summary>
        private readonly System.Collections.Concurrent.ConcurrentDictionary<DateOnly, Lazy<IReadOnlyList<AccountRisk>>> _past = new();

        public IEnumerable<DateOnly> ScoredDates => _past.Keys;

        public IReadOnlyList<AccountRisk> ScoreAsOf(DateOnly date) =>
            _past.GetOrAdd(date, d => new Lazy<IReadOnlyList<AccountRisk>>(() => Score(Bundle, Histories, d))).Value;
    }
}
