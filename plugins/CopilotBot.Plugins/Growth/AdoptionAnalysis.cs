using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// Adoption intelligence over a <see cref="GrowthData"/> (only first uses on or before its <c>AsOf</c> count): what each
/// account should adopt next, what a segment typically adopts after a feature, and which features go with retention.
/// <para>
/// The recommender learns from snapshots of every account's past, every <see cref="AdoptionOptions.SnapshotSpacingDays"/>
/// days up to <c>AsOf − HorizonDays</c>: in each, for every feature the account could have adopted (not used yet,
/// prerequisites used, included in its plan then), whether it did within the horizon. The likelihood for an account is that
/// rate among snapshots like its own state (same last-adopted feature) in its industry and plan, pulled towards its plan's
/// and everyone's rates when the narrow group has few snapshots; ranked by likelihood × a retention weight. The evidence
/// quoted is a plain sequence pattern among the account's peer group.
/// </para>
/// Building is pure and takes a few milliseconds for a thousand accounts; queries are cheap; the retention model (a GBDT)
/// is trained on first use of <see cref="Retention"/> or <see cref="RetentionModel"/>.
/// </summary>
public sealed class AdoptionAnalysis
{
    private const int NoPlan = 3; // Plan index for accounts without a subscription; AllPlans sums every plan.
    private const int AllPlans = 4;

    private readonly GrowthData _data;
    private readonly int _asOf;
    private readonly List<ProductFeature> _features;
    private readonly Dictionary<string, int> _featureIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly int[][] _requires;
    private readonly int[] _minPlan;
    private readonly List<string> _industries;
    private readonly AccountState[] _accounts;
    private readonly Dictionary<string, int> _accountIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Industry, int Plan), List<int>> _byIndustryPlan = [];
    private readonly Dictionary<int, List<int>> _byPlan = [];
    private static readonly int[] RecencyBounds = [30, 90, 180, 365]; // Days since the last adoption, in buckets.
    private readonly int _contexts; // (last adopted: a feature or none) × (recency bucket or any), then "any context".
    private readonly int[] _hits; // [industry (+all), plan (+none, all), last, feature]
    private readonly int[] _avail;
    private readonly int[] _featurePopularity;
    private readonly Lazy<FeatureRetentionModel?> _model;

    private AdoptionAnalysis(GrowthData data, AdoptionOptions options)
    {
        _data = data;
        Options = options;
        _asOf = data.AsOf.DayNumber;
        _features = [.. data.Features];
        for (int i = 0; i < _features.Count; i++)
        {
            _featureIndex.TryAdd(_features[i].Name, i);
        }

        // First uses of features the catalog does not name still count: such a feature has no prerequisites and every plan has it.
        var unknown = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (FeatureFirstUse use in data.FirstUses)
        {
            if (!_featureIndex.ContainsKey(use.Feature))
            {
                unknown.Add(use.Feature);
            }
        }

        foreach (string name in unknown)
        {
            _featureIndex[name] = _features.Count;
            _features.Add(new ProductFeature(name, [], Plan.Starter));
        }

        int featureCount = _features.Count;
        _requires = [.. _features.Select(f => f.Requires.Select(r => _featureIndex.TryGetValue(r, out int i) ? i : -1).Where(i => i >= 0).Distinct().ToArray())];
        _minPlan = [.. _features.Select(f => (int)f.MinPlan)];
        _industries = [.. data.Accounts.Select(a => a.Industry).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        var industryIndex = _industries.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.OrdinalIgnoreCase);

        var subscriptions = data.Subscriptions.Where(s => s.On.DayNumber <= _asOf).GroupBy(s => s.AccountId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.On).ThenBy(s => s.Id, StringComparer.Ordinal).Select(s => (s.On.DayNumber, (int)s.Plan)).ToArray(), StringComparer.Ordinal);
        var firstUses = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (FeatureFirstUse use in data.FirstUses)
        {
            int day = use.FirstUsedOn.DayNumber;
            if (day > _asOf)
            {
                continue;
            }

            if (!firstUses.TryGetValue(use.AccountId, out int[]? first))
            {
                first = new int[featureCount];
                Array.Fill(first, int.MaxValue);
                firstUses[use.AccountId] = first;
            }

            int f = _featureIndex[use.Feature];
            first[f] = Math.Min(first[f], day);
        }

        var states = new List<AccountState>(data.Accounts.Count);
        foreach (Account a in data.Accounts.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            if (_accountIndex.ContainsKey(a.Id))
            {
                continue;
            }

            if (!firstUses.TryGetValue(a.Id, out int[]? first))
            {
                first = new int[featureCount];
                Array.Fill(first, int.MaxValue);
            }

            int? churnDay = a.ChurnedOn is { } c ? (c.DayNumber <= _asOf ? c.DayNumber : null) : a.Status == AccountStatus.Churned ? _asOf : null;
            (int Day, int Plan)[] plans = subscriptions.TryGetValue(a.Id, out var p) ? p : [];
            var state = new AccountState(a, industryIndex[a.Industry], a.SignupDate?.DayNumber, churnDay, first, plans);
            _accountIndex[a.Id] = states.Count;
            states.Add(state);
        }

        _accounts = [.. states];
        for (int i = 0; i < _accounts.Length; i++)
        {
            AccountState s = _accounts[i];
            int plan = s.PlanAt(_asOf);
            Add(_byIndustryPlan, (s.Industry, plan), i);
            Add(_byPlan, plan, i);
        }

        _featurePopularity = new int[featureCount];
        foreach (AccountState s in _accounts)
        {
            for (int f = 0; f < featureCount; f++)
            {
                if (s.First[f] != int.MaxValue)
                {
                    _featurePopularity[f]++;
                }
            }
        }

        _contexts = ((featureCount + 1) * (RecencyBounds.Length + 2)) + 1;
        _hits = new int[(_industries.Count + 1) * 5 * _contexts * featureCount];
        _avail = new int[_hits.Length];
        CountSnapshots();
        _model = new Lazy<FeatureRetentionModel?>(() => FeatureRetentionModel.Train(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public AdoptionOptions Options { get; }

    public DateOnly AsOf => _data.AsOf;

    /// <summary>The features, the catalog's first (in its order), then any only first uses name.</summary>
    public IReadOnlyList<ProductFeature> Features => _features;

    /// <summary>Builds the analysis (pure; a few milliseconds for a thousand accounts). The retention model is not trained yet.</summary>
    public static AdoptionAnalysis Build(GrowthData data, AdoptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new AdoptionAnalysis(data, options ?? new AdoptionOptions());
    }

    /// <summary>The account's plan as of the analysis date (its latest subscription change on or before it), or null without one.</summary>
    public Plan? PlanOf(string accountId) =>
        _accountIndex.TryGetValue(accountId, out int i) && _accounts[i].PlanAt(_asOf) is var p and < NoPlan ? (Plan)p : null;

    /// <summary>The features the account uses (first used on or before the analysis date), in the order it adopted them.</summary>
    public IReadOnlyList<string> FeaturesUsedBy(string accountId) =>
        _accountIndex.TryGetValue(accountId, out int i) ? [.. _accounts[i].AdoptionOrder(_asOf).Select(f => _features[f].Name)] : [];

    /// <summary>
    /// The <paramref name="count"/> features the account is most likely to adopt next and that matter, among those it does not
    /// use yet, whose prerequisites it uses and that its plan includes; features above its plan (prerequisites used) come apart
    /// as upgrade paths, at most <paramref name="count"/> of them. Null for an unknown account.
    /// </summary>
    public NextSteps? NextStepsFor(string accountId, int count = 3)
    {
        if (!_accountIndex.TryGetValue(accountId, out int index))
        {
            return null;
        }

        AccountState a = _accounts[index];
        int plan = a.PlanAt(_asOf);
        (int last, int recency) = Context(a, _asOf);
        var inPlan = new List<(int Feature, double Likelihood, double Weight, double Score)>();
        var upgrades = new List<(int Feature, double Likelihood, double Weight, double Score)>();
        (PeerGroup Group, List<int> Members)? peers = null, upgradePeers = null;
        foreach (int f in Candidates(a, _asOf))
        {
            bool upgrade = plan < NoPlan && _minPlan[f] > plan;
            double likelihood = Likelihood(a.Industry, upgrade ? AllPlans : plan, last, recency, f);
            double weight = 1.0;
            if (Options.WeightByRetention)
            {
                var group = upgrade ? upgradePeers ??= PeerGroupOf(a, index, null) : peers ??= PeerGroupOf(a, index, plan);
                weight = RetentionWeight(Compare(group.Members.Select(i => _accounts[i]), f));
            }

            (upgrade ? upgrades : inPlan).Add((f, likelihood, weight, likelihood * weight));
        }

        List<NextStep> Top(List<(int Feature, double Likelihood, double Weight, double Score)> list, bool upgrade) =>
        [
            .. list.OrderByDescending(x => x.Score).ThenByDescending(x => x.Likelihood).ThenBy(x => x.Feature).Take(count)
                .Select(x => new NextStep(_features[x.Feature].Name, x.Likelihood, x.Weight, x.Score, upgrade, _features[x.Feature].MinPlan,
                    Evidence(a, index, x.Feature, upgrade ? null : plan))),
        ];

        return new NextSteps(a.Account.Id, a.Account.Name, a.Account.Industry, plan < NoPlan ? (Plan)plan : null,
            FeaturesUsedBy(accountId), Top(inPlan, false), Top(upgrades, true));
    }

    /// <summary>
    /// The features the account could adopt now: not used, prerequisites used, and (when <paramref name="withinPlan"/>) included
    /// in its plan. The same eligibility the recommender uses, for baselines and callers that rank by other means.
    /// </summary>
    public IReadOnlyList<string> CandidatesFor(string accountId, bool withinPlan = true)
    {
        if (!_accountIndex.TryGetValue(accountId, out int index))
        {
            return [];
        }

        AccountState a = _accounts[index];
        int plan = a.PlanAt(_asOf);
        return [.. Candidates(a, _asOf).Where(f => !withinPlan || plan >= NoPlan || _minPlan[f] <= plan).Select(f => _features[f].Name)];
    }

    /// <summary>How many accounts use each feature (first used on or before the analysis date), in <see cref="Features"/> order.</summary>
    public IReadOnlyList<int> FeaturePopularity => _featurePopularity;

    /// <summary>
    /// What the segment adopts after <paramref name="afterFeature"/> (or after signing up, without one): per feature the share
    /// adopted within 60 and 90 days, the median days and the number of accounts, most adopted first; and the segment's typical
    /// order of adoption. Accounts whose plan does not include a feature (and that do not use it) are not counted for it.
    /// </summary>
    public AdoptionPatterns Patterns(SegmentFilter? filter = null, string? afterFeature = null)
    {
        filter ??= new SegmentFilter();
        int anchorFeature = -1;
        if (afterFeature is not null && !_featureIndex.TryGetValue(afterFeature, out anchorFeature))
        {
            throw new ArgumentException($"Unknown feature '{afterFeature}'.", nameof(afterFeature));
        }

        var members = Segment(filter).ToList();
        var anchored = new List<(AccountState Account, int Anchor)>();
        foreach (AccountState a in members)
        {
            int? anchor = anchorFeature >= 0
                ? (a.First[anchorFeature] != int.MaxValue ? a.First[anchorFeature] : null)
                : a.SignupDay ?? (a.First.Min() is var m && m != int.MaxValue ? m : null);
            if (anchor is { } day && day <= _asOf)
            {
                anchored.Add((a, day));
            }
        }

        var next = new List<NextFeaturePattern>();
        for (int f = 0; f < _features.Count; f++)
        {
            if (f == anchorFeature)
            {
                continue;
            }

            int e60 = 0, w60 = 0, e90 = 0, w90 = 0;
            var days = new List<int>();
            foreach ((AccountState a, int anchor) in anchored)
            {
                int first = a.First[f];
                if (first < anchor)
                {
                    continue; // Used it before the anchor: not "after".
                }

                if (first == int.MaxValue && a.PlanAt(_asOf) is var plan && plan < NoPlan && plan < _minPlan[f])
                {
                    continue; // Its plan does not include the feature: it could not have adopted it.
                }

                int gap = first == int.MaxValue ? int.MaxValue : first - anchor;
                if (gap != int.MaxValue)
                {
                    days.Add(gap);
                }

                if (anchor <= _asOf - 60)
                {
                    e60++;
                    w60 += gap <= 60 ? 1 : 0;
                }

                if (anchor <= _asOf - 90)
                {
                    e90++;
                    w90 += gap <= 90 ? 1 : 0;
                }
            }

            next.Add(new NextFeaturePattern(_features[f].Name, e60, w60, e90, w90, days.Count, Median(days)));
        }

        var positions = new List<int>[_features.Count];
        foreach (AccountState a in members)
        {
            int position = 0;
            foreach (int f in a.AdoptionOrder(_asOf))
            {
                (positions[f] ??= []).Add(++position);
            }
        }

        var order = Enumerable.Range(0, _features.Count).Where(f => positions[f] is { Count: > 0 })
            .Select(f => new AdoptionOrderStep(_features[f].Name, positions[f].Count, (double)positions[f].Count / members.Count, Median(positions[f])!.Value))
            .OrderBy(s => s.MedianPosition).ThenByDescending(s => s.Adopters).ThenBy(s => s.Feature, StringComparer.Ordinal).ToList();

        return new AdoptionPatterns(
            filter,
            anchorFeature >= 0 ? _features[anchorFeature].Name : null,
            members.Count,
            anchored.Count,
            [.. next.OrderByDescending(p => p.Share90).ThenByDescending(p => p.Share60).ThenByDescending(p => p.Accounts).ThenBy(p => p.Feature, StringComparer.Ordinal)],
            order);
    }

    /// <summary>Per feature, churn of adopters against non-adopters among the segment's accounts old enough (see <see cref="ChurnComparison"/>).</summary>
    public IReadOnlyList<(string Feature, ChurnComparison Lift)> RetentionLift(SegmentFilter? filter = null)
    {
        var members = Segment(filter ?? new SegmentFilter()).ToList();
        return [.. Enumerable.Range(0, _features.Count).Select(f => (_features[f].Name, Compare(members, f)))];
    }

    /// <summary>
    /// Which features predict retention: plain lift and the retention model's effect side by side, over all accounts (the
    /// model is trained on first call). Ordered by the model's effect (most protective first), then by lift.
    /// </summary>
    public IReadOnlyList<FeatureRetention> Retention()
    {
        FeatureRetentionModel? model = RetentionModel;
        var lift = RetentionLift();
        static double? Known(double? x) => x is { } v && !double.IsNaN(v) ? v : null;
        return [.. lift.Select((l, f) => new FeatureRetention(l.Feature, l.Lift, Known(model?.EffectLogOdds[f]), Known(model?.EffectPoints[f])))
            .OrderBy(r => r.ModelEffectLogOdds ?? 0).ThenByDescending(r => r.Lift.Ratio ?? 1).ThenBy(r => r.Feature, StringComparer.Ordinal)];
    }

    /// <summary>The churn model with one flag per feature, trained on first use; null when too few accounts churned (or stayed).</summary>
    public FeatureRetentionModel? RetentionModel => _model.Value;

    // ---- internals shared with the retention model ----

    internal IReadOnlyList<string> Industries => _industries;

    internal IEnumerable<(Account Account, bool Churned, int? ChurnDay, int Plan, int AgeDays, int[] First)> OldEnoughAccounts()
    {
        foreach (AccountState a in _accounts)
        {
            if (a.IsOldEnough(_asOf, Options.MinAccountAgeDays))
            {
                yield return (a.Account, a.ChurnDay is not null, a.ChurnDay, a.PlanAt(a.ChurnDay ?? _asOf), a.SignupDay is { } s ? (a.ChurnDay ?? _asOf) - s : -1, a.First);
            }
        }
    }

    // ---- recommender ----

    private IEnumerable<int> Candidates(AccountState a, int day)
    {
        for (int f = 0; f < _features.Count; f++)
        {
            if (a.First[f] <= day)
            {
                continue;
            }

            bool ready = true;
            foreach (int r in _requires[f])
            {
                ready &= a.First[r] <= day;
            }

            if (ready)
            {
                yield return f;
            }
        }
    }

    private void CountSnapshots()
    {
        int featureCount = _features.Count, industries = _industries.Count;
        int horizon = Options.HorizonDays;
        int lastDay = _asOf - horizon;
        int dataStart = int.MaxValue;
        foreach (AccountState a in _accounts)
        {
            foreach (int d in a.First)
            {
                dataStart = Math.Min(dataStart, d);
            }
        }

        if (dataStart == int.MaxValue)
        {
            return;
        }

        dataStart = Math.Max(dataStart, lastDay - Options.SnapshotLookbackDays);

        // Each snapshot counts once, in its most specific cell (industry, plan, last feature and recency); the wider cells
        // are sums, filled afterwards.
        foreach (AccountState a in _accounts)
        {
            int start = Math.Max(dataStart, a.SignupDay ?? dataStart);
            int[] first = a.First;
            for (int s = lastDay; s >= start; s -= Options.SnapshotSpacingDays)
            {
                if (a.ChurnDay is { } churned && churned <= s)
                {
                    continue;
                }

                int plan = a.PlanAt(s);
                (int last, int recency) = Context(a, s);
                int row = Cell(a.Industry, plan, ContextSlot(last, recency), 0);
                for (int f = 0; f < featureCount; f++)
                {
                    if (first[f] <= s || (plan < NoPlan && _minPlan[f] > plan))
                    {
                        continue; // Used already, or not in its plan then: it could not adopt it.
                    }

                    bool ready = true;
                    foreach (int r in _requires[f])
                    {
                        ready &= first[r] <= s;
                    }

                    if (ready)
                    {
                        _avail[row + f]++;
                        _hits[row + f] += first[f] <= s + horizon ? 1 : 0;
                    }
                }
            }
        }

        int anyRecency = RecencyBounds.Length + 1, anyContext = _contexts - 1;
        for (int i = 0; i < industries; i++)
        {
            for (int p = 0; p < AllPlans; p++)
            {
                for (int last = 0; last <= featureCount; last++)
                {
                    for (int b = 0; b < anyRecency; b++)
                    {
                        AddCells(Cell(i, p, ContextSlot(last, b), 0), Cell(i, p, ContextSlot(last, anyRecency), 0));
                        AddCells(Cell(i, p, ContextSlot(last, b), 0), Cell(i, p, anyContext, 0));
                    }
                }

                for (int c = 0; c < _contexts; c++)
                {
                    AddCells(Cell(i, p, c, 0), Cell(i, AllPlans, c, 0));
                }
            }

            for (int p = 0; p <= AllPlans; p++)
            {
                for (int c = 0; c < _contexts; c++)
                {
                    AddCells(Cell(i, p, c, 0), Cell(industries, p, c, 0));
                }
            }
        }

        void AddCells(int from, int to)
        {
            for (int f = 0; f < featureCount; f++)
            {
                _avail[to + f] += _avail[from + f];
                _hits[to + f] += _hits[from + f];
            }
        }
    }

    private int Cell(int industry, int plan, int context, int feature) =>
        (((((industry * 5) + plan) * _contexts) + context) * _features.Count) + feature;

    private static int ContextSlot(int last, int recency) => (last * (RecencyBounds.Length + 2)) + recency;

    /// <summary>The account's state on a day: the feature it adopted last (or none: the feature count) and how long ago, in buckets.</summary>
    private (int Last, int Recency) Context(AccountState a, int day)
    {
        (int last, int lastDay) = a.LastAdopted(day, _features.Count);
        int since = day - (last < _features.Count ? lastDay : a.SignupDay ?? day);
        int bucket = 0;
        while (bucket < RecencyBounds.Length && since >= RecencyBounds[bucket])
        {
            bucket++;
        }

        return (last, bucket);
    }

    /// <summary>
    /// Adoption rate within the horizon among past snapshots like the account's now. The segment's own rate (industry and
    /// plan) is pulled towards its plan's and everyone's; the context (last feature adopted, and how long ago) lifts or
    /// lowers it by what that context did across everyone and then within the plan, and finally the segment's own snapshots
    /// in that very context pull the estimate their way, each step as far as its number of snapshots allows.
    /// </summary>
    private double Likelihood(int industry, int plan, int last, int recency, int f)
    {
        int all = _industries.Count, anyContext = _contexts - 1;
        int context = ContextSlot(last, recency), lastOnly = ContextSlot(last, RecencyBounds.Length + 1);
        double m = Options.Shrinkage;
        double Rate(int i, int p, int c, double prior)
        {
            int cell = Cell(i, p, c, f);
            return (_hits[cell] + (m * prior)) / (_avail[cell] + m);
        }

        int g = Cell(all, AllPlans, anyContext, f);
        double global = _avail[g] == 0 ? 0 : (double)_hits[g] / _avail[g];
        if (global <= 0)
        {
            return 0;
        }

        double globalContext = Rate(all, AllPlans, context, Rate(all, AllPlans, lastOnly, global));
        double planRate = Rate(all, plan, anyContext, global);
        double planContext = Rate(all, plan, context, Math.Min(1, planRate * globalContext / global));
        double segment = Rate(industry, plan, anyContext, planRate);
        double prior = planRate > 0 ? Math.Min(1, segment * planContext / planRate) : segment;
        return Rate(industry, plan, context, prior);
    }

    private static double RetentionWeight(ChurnComparison churn)
    {
        if (!churn.IsComparable)
        {
            return 1.0;
        }

        // Smoothed rates, so a side with no churn does not make the weight infinite; the weight is kept within [0.7, 1.7].
        double adopters = (churn.AdoptersChurned + 0.5) / (churn.Adopters + 1);
        double others = (churn.NonAdoptersChurned + 0.5) / (churn.NonAdopters + 1);
        return Math.Sqrt(Math.Clamp(others / adopters, 0.5, 3.0));
    }

    // ---- peers and evidence ----

    private (PeerGroup Group, List<int> Members) PeerGroupOf(AccountState a, int index, int? plan)
    {
        if (plan is null)
        {
            // Upgrade path: peers are accounts on any plan (the feature's users are on the bigger ones).
            List<int> sameIndustry = [.. Enumerable.Range(0, _accounts.Length).Where(i => i != index && _accounts[i].Industry == a.Industry)];
            return sameIndustry.Count >= Options.MinPeers
                ? (new PeerGroup(a.Account.Industry, null, sameIndustry.Count), sameIndustry)
                : (new PeerGroup(null, null, _accounts.Length - 1), [.. Enumerable.Range(0, _accounts.Length).Where(i => i != index)]);
        }

        int p = plan.Value;
        Plan? shown = p < NoPlan ? (Plan)p : null;
        if (_byIndustryPlan.TryGetValue((a.Industry, p), out List<int>? narrow) && narrow.Count - 1 >= Options.MinPeers)
        {
            return (new PeerGroup(a.Account.Industry, shown, narrow.Count - 1), [.. narrow.Where(i => i != index)]);
        }

        if (shown is not null && _byPlan.TryGetValue(p, out List<int>? wide) && wide.Count - 1 >= Options.MinPeers)
        {
            return (new PeerGroup(null, shown, wide.Count - 1), [.. wide.Where(i => i != index)]);
        }

        return (new PeerGroup(null, null, _accounts.Length - 1), [.. Enumerable.Range(0, _accounts.Length).Where(i => i != index)]);
    }

    private ChurnComparison Compare(IEnumerable<AccountState> accounts, int f)
    {
        int adopters = 0, adoptersChurned = 0, others = 0, othersChurned = 0;
        foreach (AccountState a in accounts)
        {
            if (!a.IsOldEnough(_asOf, Options.MinAccountAgeDays))
            {
                continue;
            }

            bool churned = a.ChurnDay is not null;
            if (a.First[f] <= (a.ChurnDay ?? _asOf))
            {
                adopters++;
                adoptersChurned += churned ? 1 : 0;
            }
            else
            {
                others++;
                othersChurned += churned ? 1 : 0;
            }
        }

        return new ChurnComparison(adopters, adoptersChurned, others, othersChurned, Options.MinChurnSide);
    }

    private AdoptionEvidence Evidence(AccountState a, int index, int f, int? plan)
    {
        (PeerGroup group, List<int> peers) = PeerGroupOf(a, index, plan);
        ChurnComparison churn = Compare(peers.Select(i => _accounts[i]), f);
        int window = Options.PatternWindowDays;
        string feature = _features[f].Name;
        (int Trigger, int Eligible, int Adopted) best = (-1, 0, 0);
        foreach (int t in a.AdoptionOrder(_asOf))
        {
            int eligible = 0, adopted = 0;
            foreach (int i in peers)
            {
                AccountState p = _accounts[i];
                int trigger = p.First[t];
                if (trigger > _asOf - window || p.First[f] < trigger)
                {
                    continue;
                }

                eligible++;
                adopted += p.First[f] - trigger <= window ? 1 : 0;
            }

            if (eligible >= Options.MinPatternAccounts
                && (best.Trigger < 0 || ((long)adopted * best.Eligible) > ((long)best.Adopted * eligible)
                    || ((long)adopted * best.Eligible == (long)best.Adopted * eligible && eligible > best.Eligible)))
            {
                best = (t, eligible, adopted);
            }
        }

        string who = group.Describe();
        string? clause = churn.Clause();
        string tail = clause is null ? "." : "; " + clause + ".";
        if (best.Trigger >= 0)
        {
            string trigger = _features[best.Trigger].Name;
            double share = (double)best.Adopted / best.Eligible;
            string sentence = string.Create(CultureInfo.InvariantCulture,
                $"{ChurnComparison.Pct(share)} of {who} adopted {feature} within {window} days of {trigger} ({best.Adopted} of {best.Eligible}){tail}");
            return new AdoptionEvidence(group, trigger, window, best.Eligible, best.Adopted, churn, sentence);
        }

        int users = peers.Count(i => _accounts[i].First[f] <= _asOf);
        string plain = peers.Count == 0
            ? $"No peers to compare with for {feature}."
            : string.Create(CultureInfo.InvariantCulture, $"{ChurnComparison.Pct((double)users / peers.Count)} of {who} use {feature} ({users} of {peers.Count}){tail}");
        return new AdoptionEvidence(group, null, window, peers.Count, users, churn, plain);
    }

    private IEnumerable<AccountState> Segment(SegmentFilter filter) =>
        _accounts.Where(a =>
            (filter.Industry is null || string.Equals(a.Account.Industry, filter.Industry, StringComparison.OrdinalIgnoreCase))
            && (filter.Tier is null || a.Account.Tier == filter.Tier)
            && (filter.Plan is null || a.PlanAt(_asOf) == (int)filter.Plan));

    private static double? Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2.0;
    }

    private static void Add<TKey>(Dictionary<TKey, List<int>> map, TKey key, int value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out List<int>? list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private sealed class AccountState(Account account, int industry, int? signupDay, int? churnDay, int[] first, (int Day, int Plan)[] plans)
    {
        public Account Account { get; } = account;

        public int Industry { get; } = industry;

        public int? SignupDay { get; } = signupDay;

        /// <summary>The day it churned, when on or before the analysis date.</summary>
        public int? ChurnDay { get; } = churnDay;

        /// <summary>First use day per feature; int.MaxValue when not used by the analysis date.</summary>
        public int[] First { get; } = first;

        public int PlanAt(int day)
        {
            int plan = NoPlan;
            foreach ((int d, int p) in plans)
            {
                if (d > day)
                {
                    break;
                }

                plan = p;
            }

            // Before its first subscription row, an account is taken to be on the plan it started with.
            return plan == NoPlan && plans.Length > 0 ? plans[0].Plan : plan;
        }

        public bool IsOldEnough(int asOf, int minAgeDays) => SignupDay is not { } s || s <= asOf - minAgeDays;

        /// <summary>The feature first used last on or before the day (ties: the higher index) and that day; featureCount for none.</summary>
        public (int Feature, int Day) LastAdopted(int day, int featureCount)
        {
            int last = featureCount, lastDay = int.MinValue;
            for (int f = 0; f < First.Length; f++)
            {
                if (First[f] <= day && First[f] >= lastDay)
                {
                    last = f;
                    lastDay = First[f];
                }
            }

            return (last, lastDay);
        }

        public IEnumerable<int> AdoptionOrder(int day) =>
            Enumerable.Range(0, First.Length).Where(f => First[f] <= day).OrderBy(f => First[f]).ThenBy(f => f);
    }
}
