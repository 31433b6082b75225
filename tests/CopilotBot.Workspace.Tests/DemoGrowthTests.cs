using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Tests;

public sealed class DemoGrowthTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 21);

    private static readonly Lazy<DemoPortfolio> Default = new(() => new DemoPortfolioGenerator(42, AsOf).Generate());

    /// <summary>A longer history, as the benchmarks that backtest many past dates ask for.</summary>
    private static readonly Lazy<DemoPortfolio> Long = new(() => new DemoPortfolioGenerator(42, AsOf, 400, 25).Generate());

    private static DemoPortfolio Portfolio(int months) => months == DemoPortfolioGenerator.HistoryMonths ? Default.Value : Long.Value;

    [Fact]
    public void Generate_KeepsEverythingItMadeBefore_ByteForByte()
    {
        // Digests of the lists the generator made before it grew features and subscriptions (commit 7ef6fd6).
        Assert.Equal("87596837C754AB9B87DBC17A037BD121C95C21E6C126789B6473A1ADE4B4260A", Digest(Default.Value));
        Assert.Equal("F47AF69557867F550BFD9D39371E163B320AF2B589799AEEA6F206AE416B8684", Digest(new DemoPortfolioGenerator(7, AsOf, 300, 25).Generate()));
    }

    [Fact]
    public void Generate_GivesIdenticalGrowth_WhenSeedAndDateAreTheSame()
    {
        DemoPortfolio first = new DemoPortfolioGenerator(3, AsOf, 200).Generate();
        DemoPortfolio second = new DemoPortfolioGenerator(3, AsOf, 200).Generate();
        DemoPortfolio other = new DemoPortfolioGenerator(4, AsOf, 200).Generate();

        Assert.Equal(first.Features, second.Features);
        Assert.Equal(first.FirstUses, second.FirstUses);
        Assert.Equal(first.FeatureUsage, second.FeatureUsage);
        Assert.Equal(first.Subscriptions, second.Subscriptions);
        Assert.NotEqual(first.FirstUses, other.FirstUses);
    }

    [Fact]
    public void Catalog_HasNamedFeaturesWithPrerequisitesPlansAndKeys()
    {
        IReadOnlyList<ProductFeature> catalog = DemoGrowth.Catalog;

        Assert.InRange(catalog.Count, 14, 18);
        Assert.InRange(catalog.Count(f => f.Key), 4, 6);
        Assert.Equal(catalog.Count, catalog.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(catalog, f => f.Name == "SCIM provisioning" && f.Requires.Contains("SSO") && f.MinPlan == Plan.Enterprise);
        Assert.Contains(catalog, f => f.Name == "SSO" && f.MinPlan == Plan.Pro);
        foreach (Plan plan in Enum.GetValues<Plan>())
        {
            Assert.Contains(catalog, f => f.MinPlan == plan);
        }

        // Prerequisites come earlier in the list, and never need a bigger plan than the feature built on them.
        for (int i = 0; i < catalog.Count; i++)
        {
            foreach (string r in catalog[i].Requires)
            {
                int at = catalog.ToList().FindIndex(f => f.Name == r);
                Assert.InRange(at, 0, i - 1);
                Assert.True(catalog[at].MinPlan <= catalog[i].MinPlan);
            }
        }

        Assert.Equal(catalog, Default.Value.Features);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(25)]
    public void FirstUses_FollowPrerequisites_PlansAndChurn(int months)
    {
        DemoPortfolio p = Portfolio(months);
        var catalog = p.Features.ToDictionary(f => f.Name);
        var subs = p.Subscriptions.ToLookup(s => s.AccountId);
        var accounts = p.Accounts.ToDictionary(a => a.Id);
        int checkedDependents = 0;
        foreach (var path in p.FirstUses.GroupBy(f => f.AccountId))
        {
            Account a = accounts[path.Key];
            var first = path.ToDictionary(f => f.Feature, f => f.FirstUsedOn);
            Assert.Equal(path.Count(), first.Count);
            foreach (FeatureFirstUse use in path)
            {
                Assert.True(use.FirstUsedOn >= a.SignupDate, $"{a.Id} used {use.Feature} before signing up");
                Assert.True(use.FirstUsedOn <= (a.ChurnedOn ?? AsOf), $"{a.Id} first used {use.Feature} after it left");
                Assert.True(PlanOn(subs[a.Id], use.FirstUsedOn) >= catalog[use.Feature].MinPlan, $"{a.Id} used {use.Feature} above its plan");
                foreach (string r in catalog[use.Feature].Requires)
                {
                    Assert.True(first.TryGetValue(r, out DateOnly before) && before < use.FirstUsedOn, $"{a.Id} used {use.Feature} before {r}");
                    checkedDependents++;
                }
            }
        }

        Assert.True(checkedDependents > 200, $"only {checkedDependents} first uses of features with prerequisites");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(25)]
    public void FeatureUsage_StaysWithinActiveUsers_PlanAndLife(int months)
    {
        DemoPortfolio p = Portfolio(months);
        var catalog = p.Features.ToDictionary(f => f.Name);
        var active = p.Usage.ToDictionary(u => (u.AccountId, u.Month), u => u.ActiveUsers);
        var first = p.FirstUses.ToDictionary(f => (f.AccountId, f.Feature), f => f.FirstUsedOn);
        var subs = p.Subscriptions.ToLookup(s => s.AccountId);
        var accounts = p.Accounts.ToDictionary(a => a.Id);
        foreach (FeatureUsageMonth row in p.FeatureUsage)
        {
            Assert.True(active.TryGetValue((row.AccountId, row.Month), out int users), $"{row.AccountId} uses {row.Feature} in {row.Month} without usage");
            Assert.InRange(row.Users, 1, users);
            Assert.True(first.TryGetValue((row.AccountId, row.Feature), out DateOnly since) && since < row.Month.AddMonths(1), $"{row.AccountId} used {row.Feature} before its first use");
            Assert.True(accounts[row.AccountId].ChurnedOn is not { } churned || row.Month <= churned);
            Assert.True(PlanOn(subs[row.AccountId], row.Month) >= catalog[row.Feature].MinPlan, $"{row.AccountId} used {row.Feature} above its plan in {row.Month}");
        }

        // Every first use within the history shows in its month's usage.
        var rows = p.FeatureUsage.Select(r => (r.AccountId, r.Month, r.Feature)).ToHashSet();
        DateOnly historyStart = p.Usage.Min(u => u.Month);
        Assert.All(p.FirstUses.Where(f => f.FirstUsedOn >= historyStart), f =>
            Assert.Contains((f.AccountId, new DateOnly(f.FirstUsedOn.Year, f.FirstUsedOn.Month, 1), f.Feature), rows));

        // Feature users follow the account's active users: a feature's users move with them month to month.
        var dashboards = p.FeatureUsage.Where(r => r.Feature == "Dashboards").ToList();
        double correlation = Correlation(dashboards.Select(r => (double)r.Users).ToList(), dashboards.Select(r => (double)active[(r.AccountId, r.Month)]).ToList());
        Assert.True(correlation > 0.9, $"dashboard users against active users: r = {correlation:F2}");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(25)]
    public void Subscriptions_EndAtTheAccountAsItStands(int months)
    {
        DemoPortfolio p = Portfolio(months);
        var subs = p.Subscriptions.ToLookup(s => s.AccountId);
        DateOnly historyStart = p.Usage.Min(u => u.Month);
        foreach (Account a in p.Accounts)
        {
            var moves = SubscriptionHistory.Moves(subs[a.Id]);
            Assert.NotEmpty(moves);
            SubscriptionChange last = moves[^1].Change;
            Assert.Equal(a.Seats, last.Seats);
            Assert.Equal(a.Arr, last.Arr);
            SubscriptionChange start = moves[0].Change;
            Assert.Equal(a.SignupDate > historyStart ? a.SignupDate : historyStart, start.On);
            Assert.All(moves.Skip(1), m => Assert.NotEqual(SubscriptionMove.Unchanged, m.Move));
            Assert.All(moves, m => Assert.True(m.Change.On <= (a.ChurnedOn ?? AsOf), $"{a.Id} changed its subscription after it left"));
            Assert.All(moves, m => Assert.True(m.Change.Seats > 0 && m.Change.Arr > 0));
            // Plans never go down; an upgrade changes the plan only, a seat change the seats only.
            Assert.All(moves.Skip(1).Zip(moves), x => Assert.True(x.First.Change.Plan >= x.Second.Change.Plan));
        }

        Assert.Equal(p.Subscriptions.Count, p.Subscriptions.Select(s => s.Id).Distinct().Count());

        // Plans follow tier: Platinum mostly Enterprise, Bronze mostly Starter.
        var plans = p.Accounts.ToDictionary(a => a.Id, a => subs[a.Id].OrderBy(s => s.On).Last().Plan);
        double Share(Tier tier, Plan plan) => p.Accounts.Where(a => a.Tier == tier).Average(a => plans[a.Id] == plan ? 1.0 : 0.0);
        Assert.True(Share(Tier.Platinum, Plan.Enterprise) > 0.6);
        Assert.True(Share(Tier.Bronze, Plan.Starter) > 0.6);
    }

    [Fact]
    public void Expansions_HappenAllYear_AndConcentrateWhereSeatsRunFull()
    {
        DemoPortfolio p = Default.Value;
        var moves = p.Subscriptions.GroupBy(s => s.AccountId).SelectMany(g => SubscriptionHistory.Moves(g)).ToList();
        var active = p.Accounts.Where(a => a.Status == AccountStatus.Active).Select(a => a.Id).ToHashSet();
        var expansions = moves.Where(m => m.Move == SubscriptionMove.Expansion).ToList();

        double yearly = expansions.Where(m => m.Change.On > AsOf.AddDays(-365) && active.Contains(m.Change.AccountId))
            .Select(m => m.Change.AccountId).Distinct().Count() / (double)active.Count;
        Assert.InRange(yearly, 0.15, 0.30);
        for (int quarter = 0; quarter < 4; quarter++)
        {
            DateOnly to = AsOf.AddDays(-90 * quarter);
            int n = expansions.Count(m => m.Change.On > to.AddDays(-90) && m.Change.On <= to);
            Assert.True(n >= 30, $"{n} expansions in the quarter to {to}");
        }

        Assert.Contains(expansions, m => m.Change.Plan > moves.Last(x => x.Change.AccountId == m.Change.AccountId && x.Change.On < m.Change.On).Change.Plan);
        Assert.True(moves.Count(m => m.Move == SubscriptionMove.Contraction) > 20);
        Assert.True(expansions.All(m => m.ArrDelta > 0));

        // Contractions mostly where accounts are leaving or declining.
        var contracted = moves.Where(m => m.Move == SubscriptionMove.Contraction).Select(m => p.Trajectories[m.Change.AccountId]).ToList();
        double leaverShare = contracted.Average(t => t == DemoTrajectory.Healthy ? 0.0 : 1.0);
        double leaverBase = p.Trajectories.Values.Average(t => t == DemoTrajectory.Healthy ? 0.0 : 1.0);
        Assert.True(leaverShare > 2 * leaverBase, $"{leaverShare:P0} of contractions by non-healthy accounts, {leaverBase:P0} of accounts");

        // Seat utilisation predicts, but not perfectly; all signals together predict better.
        (double rule, double model, _, int positives) = ExpansionAucs(p);
        Assert.True(positives > 150);
        Assert.InRange(rule, 0.6, 0.95);
        Assert.True(model > rule + 0.02, $"model {model:F3} against the utilisation rule {rule:F3}");
    }

    [Fact]
    public void Adoption_DiffersByIndustryTierAndFate()
    {
        DemoPortfolio p = Default.Value;

        // Industry paths: healthcare goes to SSO second, retail to the mobile app.
        string healthcare = SecondFeatures(p, "Healthcare")[0].Key;
        string retail = SecondFeatures(p, "Retail")[0].Key;
        Assert.Equal("SSO", healthcare);
        Assert.Equal("Mobile app", retail);
        Assert.Equal("Workflows", SecondFeatures(p, "Manufacturing")[0].Key);

        // Bigger tiers adopt more; healthy accounts more than churned ones.
        var counts = p.FirstUses.GroupBy(f => f.AccountId).ToDictionary(g => g.Key, g => g.Count());
        double Mean(Func<Account, bool> which) => p.Accounts.Where(which).Average(a => counts.GetValueOrDefault(a.Id));
        Assert.True(Mean(a => a.Tier == Tier.Platinum) > Mean(a => a.Tier == Tier.Bronze) + 1.5);
        Assert.True(Mean(a => p.Trajectories[a.Id] == DemoTrajectory.Healthy) > Mean(a => a.Status == AccountStatus.Churned) + 0.8);

        // Sticky features: adopters churned far less often than accounts without them.
        var workflows = p.FirstUses.Where(f => f.Feature == "Workflows").Select(f => f.AccountId).ToHashSet();
        double ChurnRate(bool adopted) => p.Accounts.Where(a => workflows.Contains(a.Id) == adopted).Average(a => a.Status == AccountStatus.Churned ? 1.0 : 0.0);
        Assert.True(ChurnRate(false) > 1.8 * ChurnRate(true), $"churn without Workflows {ChurnRate(false):P1}, with {ChurnRate(true):P1}");

        // First uses spread over the whole history, the last 90 days included.
        DateOnly historyStart = p.Usage.Min(u => u.Month);
        for (int quarter = 0; quarter < 4; quarter++)
        {
            DateOnly to = AsOf.AddDays(-90 * quarter);
            int n = p.FirstUses.Count(f => f.FirstUsedOn > to.AddDays(-90) && f.FirstUsedOn <= to);
            Assert.True(n >= 150, $"{n} first uses in the quarter to {to}");
        }

        Assert.True(p.FirstUses.Count(f => f.FirstUsedOn < historyStart) > 2000);
    }

    private static Plan PlanOn(IEnumerable<SubscriptionChange> changes, DateOnly day) =>
        (SubscriptionHistory.AsOf(changes, day) ?? changes.OrderBy(c => c.On).First()).Plan;

    private static double Correlation(List<double> x, List<double> y)
    {
        double mx = x.Average();
        double my = y.Average();
        double sxy = x.Zip(y).Sum(v => (v.First - mx) * (v.Second - my));
        double sxx = x.Sum(v => (v - mx) * (v - mx));
        double syy = y.Sum(v => (v - my) * (v - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    private static List<KeyValuePair<string, int>> SecondFeatures(DemoPortfolio p, string industry)
    {
        var ids = p.Accounts.Where(a => a.Industry == industry).Select(a => a.Id).ToHashSet();
        return p.FirstUses.Where(f => ids.Contains(f.AccountId)).GroupBy(f => f.AccountId)
            .Select(g => g.OrderBy(f => f.FirstUsedOn).ThenBy(f => f.Feature, StringComparer.Ordinal).Skip(1).FirstOrDefault()?.Feature)
            .Where(f => f is not null)
            .GroupBy(f => f!)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Monthly snapshots of active accounts: the seat-utilisation rule's ROC-AUC for "expands within 90 days", and that of
    /// a logistic regression on utilisation, usage growth, plan fill and negative conversations, trained on half the
    /// accounts and scored on the other half (the rule is scored on the same half).
    /// </summary>
    private static (double Rule, double Model, int Snapshots, int Positives) ExpansionAucs(DemoPortfolio p)
    {
        var usage = p.Usage.ToLookup(u => u.AccountId);
        var subs = p.Subscriptions.ToLookup(s => s.AccountId);
        var firsts = p.FirstUses.ToLookup(f => f.AccountId);
        var negative = p.Conversations.Select(c => c.Conversation).Where(c => c.Sentiment < -0.2).ToLookup(c => c.AccountId!);
        var minPlan = p.Features.ToDictionary(f => f.Name, f => f.MinPlan);
        var rows = new List<(bool Train, double[] X, bool Y)>();
        int index = 0;
        foreach (Account a in p.Accounts)
        {
            index++;
            var months = usage[a.Id].OrderBy(u => u.Month).ToList();
            var moves = SubscriptionHistory.Moves(subs[a.Id]);
            for (int i = 4; i < months.Count; i++)
            {
                DateOnly t = months[i].Month;
                if (t.AddDays(90) > AsOf || (a.ChurnedOn is { } c && c < t.AddDays(90)))
                {
                    continue;
                }

                SubscriptionChange? now = SubscriptionHistory.AsOf(subs[a.Id], t);
                if (now is null)
                {
                    continue;
                }

                double utilisation = months[i - 1].ActiveUsers / (double)now.Seats;
                double before = months.Skip(i - 4).Take(3).Average(u => u.ActiveUsers);
                double growth = before == 0 ? 0 : (months[i - 1].ActiveUsers / before) - 1;
                int inPlan = p.Features.Count(f => f.MinPlan <= now.Plan);
                double fill = firsts[a.Id].Count(f => f.FirstUsedOn < t && minPlan[f.Feature] <= now.Plan) / (double)inPlan;
                double angry = negative[a.Id].Count(x => DateOnly.FromDateTime(x.StartedAt.UtcDateTime) >= t.AddDays(-90) && DateOnly.FromDateTime(x.StartedAt.UtcDateTime) < t);
                bool y = moves.Any(m => m.Move == SubscriptionMove.Expansion && m.Change.On >= t && m.Change.On < t.AddDays(90));
                rows.Add((index % 2 == 0, [utilisation, growth, fill, angry], y));
            }
        }

        var train = rows.Where(r => r.Train).ToList();
        var test = rows.Where(r => !r.Train).ToList();
        double[] w = Logistic(train.Select(r => r.X).ToList(), train.Select(r => r.Y).ToList());
        double Score(double[] x) => w[0] + x.Select((v, k) => v * w[k + 1]).Sum();
        double rule = Auc(test.Select(r => (r.X[0], r.Y)).ToList());
        double model = Auc(test.Select(r => (Score(r.X), r.Y)).ToList());
        return (rule, model, rows.Count, rows.Count(r => r.Y));
    }

    private static double[] Logistic(List<double[]> x, List<bool> y)
    {
        int d = x[0].Length;
        double[] mean = Enumerable.Range(0, d).Select(k => x.Average(r => r[k])).ToArray();
        double[] sd = Enumerable.Range(0, d).Select(k => Math.Sqrt(x.Average(r => (r[k] - mean[k]) * (r[k] - mean[k]))) + 1e-9).ToArray();
        var w = new double[d + 1];
        for (int iter = 0; iter < 400; iter++)
        {
            var grad = new double[d + 1];
            for (int i = 0; i < x.Count; i++)
            {
                double z = w[0];
                for (int k = 0; k < d; k++)
                {
                    z += w[k + 1] * (x[i][k] - mean[k]) / sd[k];
                }

                double err = (1 / (1 + Math.Exp(-z))) - (y[i] ? 1 : 0);
                grad[0] += err;
                for (int k = 0; k < d; k++)
                {
                    grad[k + 1] += err * (x[i][k] - mean[k]) / sd[k];
                }
            }

            for (int k = 0; k <= d; k++)
            {
                w[k] -= 0.5 * grad[k] / x.Count;
            }
        }

        // Back to the raw scale so the caller scores raw features.
        var raw = new double[d + 1];
        raw[0] = w[0];
        for (int k = 0; k < d; k++)
        {
            raw[k + 1] = w[k + 1] / sd[k];
            raw[0] -= w[k + 1] * mean[k] / sd[k];
        }

        return raw;
    }

    /// <summary>ROC-AUC by ranks (ties count half).</summary>
    private static double Auc(List<(double Score, bool Y)> rows)
    {
        var ordered = rows.OrderBy(r => r.Score).ToList();
        double rankSum = 0;
        int i = 0;
        while (i < ordered.Count)
        {
            int j = i;
            while (j + 1 < ordered.Count && ordered[j + 1].Score == ordered[i].Score)
            {
                j++;
            }

            double rank = ((i + j) / 2.0) + 1;
            rankSum += ordered.Skip(i).Take(j - i + 1).Count(r => r.Y) * rank;
            i = j + 1;
        }

        long pos = rows.Count(r => r.Y);
        long neg = rows.Count - pos;
        return (rankSum - (pos * (pos + 1) / 2.0)) / (pos * (double)neg);
    }

    /// <summary>A digest of everything the generator made before it grew features and subscriptions.</summary>
    private static string Digest(DemoPortfolio p)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            var text = new StringBuilder();
            foreach (object item in p.Users.Cast<object>()
                .Concat(p.Accounts).Concat(p.Usage).Concat(p.Payments)
                .Concat(p.Conversations.Select(c => c.Conversation)).Concat(p.Conversations.SelectMany(c => c.Turns))
                .Concat(p.Tasks).Concat(p.Interventions)
                .Concat(p.Trajectories.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (object)(t.Key + "=" + t.Value))))
            {
                text.Append(item).Append('\n');
            }

            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
