using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Demo;

/// <summary>
/// The demo product: 16 features with prerequisites and minimum plans, five of them key. Accounts adopt them along
/// paths that differ by industry and tier (healthcare and financial services go SSO → Audit log → Custom roles, retail and
/// hospitality Mobile app → Integrations, manufacturing Workflows → Automations), and grow or shrink their subscriptions.
/// </summary>
public static class DemoGrowth
{
    /// <summary>The product's features, prerequisites first.</summary>
    public static IReadOnlyList<ProductFeature> Catalog { get; } = DemoGrowthGenerator.Specs.Select(s => s.Feature).ToList();

    /// <summary>A plan's list price per seat relative to Starter's: how ARR moves with seats and plan in the history.</summary>
    internal static double PricePerSeat(Plan plan) => plan switch
    {
        Plan.Starter => 1.0,
        Plan.Pro => 1.45,
        _ => 2.1,
    };
}

/// <summary>What <see cref="DemoGrowthGenerator"/> made.</summary>
internal sealed record DemoGrowthData(
    IReadOnlyList<ProductFeature> Features,
    IReadOnlyList<FeatureUsageMonth> FeatureUsage,
    IReadOnlyList<FeatureFirstUse> FirstUses,
    IReadOnlyList<SubscriptionChange> Subscriptions);

/// <summary>
/// Grows feature adoption and the commercial history on top of a generated portfolio, reading it only (accounts,
/// trajectories, monthly usage, conversations), from its own random stream, so the rest of the demo is unchanged.
/// </summary>
/// <remarks>
/// Adoption is simulated month by month from signup: each account is interested in some features (more for bigger tiers,
/// the sticky ones far more for accounts that stay), a need arises at some point (weeks apart along its industry's path,
/// otherwise anywhere over its life), and once the prerequisites are in use and the plan includes it, the feature is
/// adopted at a monthly rate that rises with tier and industry affinity and falls when usage declines. Plan upgrades come
/// when an account uses most of its plan; seat changes follow how full the account runs, usage growth, the plan's
/// ceiling and support mood, with an account's own unobserved propensity as noise. Seats before each change are worked
/// backwards from today's, so the last subscription row is the account as it stands and an account ran fuller before
/// it expanded.
/// </remarks>
internal sealed class DemoGrowthGenerator(DateOnly asOf, int historyMonths)
{
    internal sealed record Spec(ProductFeature Feature, int? ReleasedMonthsAgo, double Interest, double Share, bool Sticky);

    internal static readonly Spec[] Specs =
    [
        new(new("Dashboards", [], Plan.Starter), null, 1.0, 0.75, false),
        new(new("Reports", [], Plan.Starter), null, 0.85, 0.5, false),
        new(new("Mobile app", [], Plan.Starter), 60, 0.45, 0.35, false),
        new(new("Integrations", [], Plan.Starter, Key: true), null, 0.55, 0.3, true),
        new(new("Data export", ["Reports"], Plan.Starter), null, 0.5, 0.2, false),
        new(new("SSO", [], Plan.Pro, Key: true), 72, 0.6, 0.95, false),
        new(new("Workflows", [], Plan.Pro, Key: true), 48, 0.55, 0.5, true),
        new(new("Approvals", ["Workflows"], Plan.Pro), 36, 0.45, 0.3, false),
        new(new("Automations", ["Workflows"], Plan.Pro, Key: true), 30, 0.45, 0.2, true),
        new(new("API access", ["Integrations"], Plan.Pro), null, 0.35, 0.05, false),
        new(new("Advanced analytics", ["Reports"], Plan.Pro), 36, 0.4, 0.15, false),
        new(new("AI assistant", ["Dashboards"], Plan.Pro, Key: true), 8, 0.5, 0.3, false),
        new(new("Audit log", [], Plan.Enterprise), 60, 0.4, 0.03, false),
        new(new("Custom roles", ["SSO"], Plan.Enterprise), 48, 0.4, 0.05, false),
        new(new("SCIM provisioning", ["SSO"], Plan.Enterprise), 36, 0.35, 0.02, false),
        new(new("Sandbox", ["API access"], Plan.Enterprise), 24, 0.3, 0.05, false),
    ];

    /// <summary>How much more an industry wants a feature and how much sooner it adopts it (1 when not listed).</summary>
    private static readonly Dictionary<string, Dictionary<string, double>> Affinity = new(StringComparer.Ordinal)
    {
        ["Healthcare"] = new() { ["SSO"] = 6, ["Audit log"] = 5, ["Custom roles"] = 4, ["SCIM provisioning"] = 2, ["Approvals"] = 1.5, ["Mobile app"] = 0.5 },
        ["Financial Services"] = new() { ["SSO"] = 5, ["Audit log"] = 5, ["Custom roles"] = 4, ["Approvals"] = 3, ["Data export"] = 1.5, ["Mobile app"] = 0.6 },
        ["Public Sector"] = new() { ["SSO"] = 3, ["Audit log"] = 4, ["Approvals"] = 3, ["Reports"] = 1.5 },
        ["Retail"] = new() { ["Mobile app"] = 6, ["Integrations"] = 4, ["AI assistant"] = 1.5, ["SSO"] = 0.5, ["Audit log"] = 0.5 },
        ["Hospitality"] = new() { ["Mobile app"] = 6, ["Integrations"] = 3, ["Workflows"] = 1.5, ["SSO"] = 0.5, ["Audit log"] = 0.5 },
        ["Manufacturing"] = new() { ["Workflows"] = 5, ["Automations"] = 4, ["Approvals"] = 2, ["Mobile app"] = 1.5 },
        ["Logistics"] = new() { ["Mobile app"] = 4, ["Integrations"] = 3, ["Workflows"] = 2.5, ["Automations"] = 2 },
        ["Software"] = new() { ["Integrations"] = 3, ["API access"] = 5, ["Sandbox"] = 4, ["SSO"] = 1.5 },
        ["Telecommunications"] = new() { ["API access"] = 3, ["Automations"] = 2.5, ["Integrations"] = 2, ["SCIM provisioning"] = 2 },
        ["Energy"] = new() { ["Workflows"] = 3, ["Approvals"] = 2.5, ["Reports"] = 2, ["Mobile app"] = 2 },
        ["Media"] = new() { ["AI assistant"] = 3, ["Advanced analytics"] = 3, ["Reports"] = 2 },
        ["Education"] = new() { ["Reports"] = 2, ["Mobile app"] = 2, ["SSO"] = 2 },
    };

    /// <summary>
    /// What an industry typically adopts first after onboarding, in order: each step's need arises weeks after the one before
    /// (sooner for bigger tiers), so the industry's paths show in the first uses.
    /// </summary>
    private static readonly Dictionary<string, string[]> Paths = new(StringComparer.Ordinal)
    {
        ["Healthcare"] = ["SSO", "Audit log", "Custom roles"],
        ["Financial Services"] = ["SSO", "Audit log", "Approvals", "Custom roles"],
        ["Public Sector"] = ["SSO", "Audit log", "Approvals"],
        ["Retail"] = ["Mobile app", "Integrations", "AI assistant"],
        ["Hospitality"] = ["Mobile app", "Integrations", "Workflows"],
        ["Manufacturing"] = ["Workflows", "Automations", "Approvals"],
        ["Logistics"] = ["Mobile app", "Workflows", "Automations"],
        ["Software"] = ["Integrations", "API access", "Sandbox"],
        ["Telecommunications"] = ["Integrations", "API access", "Automations"],
        ["Energy"] = ["Workflows", "Approvals", "Data export"],
        ["Media"] = ["Reports", "Advanced analytics", "AI assistant"],
        ["Education"] = ["Reports", "Mobile app", "SSO"],
    };

    private readonly Dictionary<string, int> _featureIndex = Specs
        .Select((s, i) => (s.Feature.Name, i))
        .ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    private readonly List<FeatureUsageMonth> _featureUsage = [];
    private readonly List<FeatureFirstUse> _firstUses = [];
    private readonly List<SubscriptionChange> _subscriptions = [];

    public DemoGrowthData Generate(
        DemoRandom rng,
        IReadOnlyList<Account> accounts,
        IReadOnlyDictionary<string, DemoTrajectory> trajectories,
        IReadOnlyList<UsageMonth> usage,
        IReadOnlyList<SupportConversation> conversations)
    {
        var usageByAccount = usage.ToLookup(u => u.AccountId, StringComparer.Ordinal);
        var negativeByAccount = conversations
            .Where(c => c.AccountId is not null && c.Sentiment < -0.2)
            .ToLookup(c => c.AccountId!, c => DateOnly.FromDateTime(c.StartedAt.UtcDateTime), StringComparer.Ordinal);
        foreach (Account account in accounts)
        {
            // One stream per account, forked in account order: an account's growth does not depend on another's draws.
            DemoRandom accountRng = rng.Fork(1);
            GrowAccount(accountRng, account, trajectories[account.Id], usageByAccount[account.Id], negativeByAccount[account.Id]);
        }

        return new DemoGrowthData(DemoGrowth.Catalog, _featureUsage, _firstUses, _subscriptions);
    }

    private DateOnly MonthStart(int index) => new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(index - (historyMonths - 1));

    private int MonthIndex(DateOnly day)
    {
        DateOnly first = MonthStart(0);
        return ((day.Year - first.Year) * 12) + day.Month - first.Month;
    }

    private static bool Leaver(DemoTrajectory t) =>
        t is DemoTrajectory.Churned or DemoTrajectory.AtRiskWithin7Days or DemoTrajectory.AtRiskWithin30Days or DemoTrajectory.AtRiskWithin90Days;

    private static double AffinityOf(string industry, string feature) =>
        Affinity.TryGetValue(industry, out var map) && map.TryGetValue(feature, out double a) ? a : 1.0;

    private static Plan CurrentPlan(DemoRandom rng, Account a)
    {
        (double lo, double hi) = a.Tier switch
        {
            Tier.Platinum => (200_000, 2_000_000),
            Tier.Gold => (60_000, 200_000),
            Tier.Silver => (20_000, 60_000),
            _ => (5_000, 20_000),
        };
        double x = Math.Clamp((Math.Log((double)a.Arr) - Math.Log(lo)) / (Math.Log(hi) - Math.Log(lo)), 0, 1);
        double u = rng.NextDouble();
        Plan plan = a.Tier switch
        {
            Tier.Platinum => u < 0.7 + (0.25 * x) ? Plan.Enterprise : Plan.Pro,
            Tier.Gold => u < 0.2 + (0.3 * x) ? Plan.Enterprise : u < 0.92 ? Plan.Pro : Plan.Starter,
            Tier.Silver => u < 0.04 ? Plan.Enterprise : u < 0.39 + (0.3 * x) ? Plan.Pro : Plan.Starter,
            _ => u < 0.1 + (0.25 * x) ? Plan.Pro : Plan.Starter,
        };
        bool regulated = a.Industry is "Healthcare" or "Financial Services" or "Public Sector";
        if (regulated && plan < Plan.Enterprise && rng.Chance(0.5))
        {
            plan++;
        }

        return plan;
    }

    private void GrowAccount(DemoRandom rng, Account a, DemoTrajectory trajectory, IEnumerable<UsageMonth> usageRows, IEnumerable<DateOnly> negativeDays)
    {
        bool leaver = Leaver(trajectory);
        Plan planNow = CurrentPlan(rng, a);
        // Some accounts were one plan lower when the history began and upgrade once they use most of it.
        double upgradeP = trajectory switch
        {
            DemoTrajectory.Healthy => 0.3,
            DemoTrajectory.Recovering => 0.2,
            _ => 0.08,
        };
        Plan planStart = planNow > Plan.Starter && rng.Chance(upgradeP) ? planNow - 1 : planNow;

        DateOnly historyStart = MonthStart(0);
        DateOnly signup = a.SignupDate ?? historyStart.AddYears(-3);
        DateOnly end = a.ChurnedOn is { } churned && churned < asOf ? churned : asOf;
        DateOnly subscriptionStart = signup > historyStart ? signup : historyStart;

        var active = new int[historyMonths];
        var hasUsage = new bool[historyMonths];
        foreach (UsageMonth u in usageRows)
        {
            int i = MonthIndex(u.Month);
            if (i >= 0 && i < historyMonths)
            {
                active[i] = u.ActiveUsers;
                hasUsage[i] = true;
            }
        }

        // Interest and when the need arises, per feature; a feature's prerequisites are wanted at least as early.
        double tierBreadth = a.Tier switch { Tier.Platinum => 1.3, Tier.Gold => 1.15, Tier.Silver => 1.0, _ => 0.85 };
        double tierSpeed = a.Tier switch { Tier.Platinum => 1.5, Tier.Gold => 1.25, Tier.Silver => 1.0, _ => 0.8 };
        double trajectorySpeed = trajectory switch
        {
            DemoTrajectory.Healthy => 1.15,
            DemoTrajectory.Recovering => 0.9,
            DemoTrajectory.Churned => 0.6,
            _ => 0.7,
        };
        int n = Specs.Length;
        var interested = new bool[n];
        var need = new DateOnly[n];
        var share = new double[n];
        int lifeDays = Math.Max(30, asOf.DayNumber - signup.DayNumber);
        string[] path = Paths.TryGetValue(a.Industry, out string[]? p0) ? p0 : [];
        for (int f = 0; f < n; f++)
        {
            Spec s = Specs[f];
            double affinity = AffinityOf(a.Industry, s.Feature.Name);
            int step = Array.IndexOf(path, s.Feature.Name);
            double stay = s.Sticky ? (leaver ? 0.3 : 1.35) : (leaver ? 0.85 : 1.05);
            double p = step >= 0 ? 0.8 * tierBreadth * (s.Sticky ? stay : 1.0) : s.Interest * tierBreadth * Math.Sqrt(affinity) * stay;
            interested[f] = f == 0 || rng.Chance(Math.Clamp(p, 0.03, 0.97));
            DateOnly available = Released(s, signup);
            int offset = step >= 0
                ? (int)((10 + (step * 40) + Exponential(rng, 25 + (step * 20))) / tierSpeed)
                : rng.Chance(0.1 * tierSpeed) ? (int)Exponential(rng, 90 / tierSpeed) : rng.Next(lifeDays + 720);
            need[f] = available.AddDays(offset);
            share[f] = Math.Min(1.0, s.Share * rng.Uniform(0.6, 1.4));
        }

        for (int f = n - 1; f >= 0; f--)
        {
            if (!interested[f])
            {
                continue;
            }

            foreach (string r in Specs[f].Feature.Requires)
            {
                int p = _featureIndex[r];
                interested[p] = true;
                if (need[p] > need[f])
                {
                    need[p] = need[f] < Released(Specs[p], signup) ? Released(Specs[p], signup) : need[f];
                }
            }
        }

        // The first feature is used in the first days: mostly dashboards, sometimes reports.
        int first = rng.Chance(0.85) ? 0 : 1;
        interested[first] = true;
        need[first] = signup;

        // Month by month from signup to today (or churn): adoption and plan upgrades.
        var firstUse = new DateOnly?[n];
        Plan plan = planStart;
        DateOnly? upgradeDay = null;
        double[] upgradeDraws = Enumerable.Range(0, historyMonths).Select(_ => rng.NextDouble()).ToArray();
        int baseline = active.Where((x, i) => hasUsage[i]).Take(3).DefaultIfEmpty(0).Max();
        for (DateOnly month = new(signup.Year, signup.Month, 1); month <= end; month = month.AddMonths(1))
        {
            int mi = MonthIndex(month);
            DateOnly from = month < signup ? signup : month;
            DateOnly to = month.AddMonths(1).AddDays(-1);
            if (to > end)
            {
                to = end;
            }

            if (from > to)
            {
                continue;
            }

            double health = 1.0;
            if (mi >= 0)
            {
                if (!hasUsage[mi] || active[mi] == 0)
                {
                    continue;
                }

                // Adoption stalls when usage falls: the month's active users against the recent best.
                int best = Math.Max(baseline, active.Skip(Math.Max(0, mi - 6)).Take(Math.Min(mi, 6) + 1).Max());
                health = best == 0 ? 1.0 : Math.Pow(Math.Clamp(active[mi] / (double)best, 0, 1), 3);
            }

            // Upgrade: in the history, for an account one plan below today's, when it uses most of its plan.
            if (mi >= 1 && plan < planNow && month > subscriptionStart.AddMonths(1))
            {
                double fill = PlanFill(firstUse, plan, month);
                double p = (fill >= 0.7 ? 0.2 : fill >= 0.5 ? 0.03 : 0.0) * (leaver ? 0.3 : 1.0);
                if (upgradeDraws[mi] < p)
                {
                    plan++;
                    upgradeDay = from.AddDays(rng.Next(to.DayNumber - from.DayNumber + 1));
                    // Features of the new plan from the next month on.
                    continue;
                }
            }

            for (int f = 0; f < n; f++)
            {
                Spec s = Specs[f];
                if (firstUse[f] is not null || !interested[f] || need[f] > to || s.Feature.MinPlan > plan)
                {
                    continue;
                }

                bool ready = true;
                foreach (string r in s.Feature.Requires)
                {
                    ready &= firstUse[_featureIndex[r]] is { } d && d < month;
                }

                if (!ready)
                {
                    continue;
                }

                DateOnly earliest = need[f] > from ? need[f] : from;
                double rate = f == first ? 50.0
                    : 0.12 * Math.Pow(AffinityOf(a.Industry, s.Feature.Name), 0.8) * tierSpeed * trajectorySpeed * health
                      * (s.Sticky ? (leaver ? 0.6 : 1.5) : 1.0);
                double monthShare = (to.DayNumber - earliest.DayNumber + 1) / 30.0;
                if (rng.Chance(1 - Math.Exp(-rate * monthShare)))
                {
                    firstUse[f] = f == first ? earliest.AddDays(Math.Min(rng.Next(7), to.DayNumber - earliest.DayNumber))
                        : earliest.AddDays(rng.Next(to.DayNumber - earliest.DayNumber + 1));
                }
            }
        }

        if (upgradeDay is null)
        {
            // Never outgrew the smaller plan: it was on today's all along.
            planStart = planNow;
        }

        for (int f = 0; f < n; f++)
        {
            if (firstUse[f] is { } d)
            {
                _firstUses.Add(new FeatureFirstUse(a.Id, Specs[f].Feature.Name, d));
            }
        }

        AddFeatureUsage(rng, a, firstUse, share, active, hasUsage);
        AddSubscriptions(rng, a, trajectory, planStart, planNow, upgradeDay, subscriptionStart, end, firstUse, active, hasUsage, negativeDays.ToList());
    }

    /// <summary>The first day an account could use a feature: its signup, or the feature's release when that came later.</summary>
    private DateOnly Released(Spec s, DateOnly signup) =>
        s.ReleasedMonthsAgo is { } m && signup < asOf.AddMonths(-m) ? asOf.AddMonths(-m) : signup;

    /// <summary>The share of the plan's features (those released by then) in use before <paramref name="day"/>.</summary>
    private double PlanFill(DateOnly?[] firstUse, Plan plan, DateOnly day)
    {
        int inPlan = 0;
        int used = 0;
        for (int f = 0; f < Specs.Length; f++)
        {
            if (Specs[f].Feature.MinPlan <= plan && Released(Specs[f], DateOnly.MinValue) < day)
            {
                inPlan++;
                used += firstUse[f] is { } d && d < day ? 1 : 0;
            }
        }

        return inPlan == 0 ? 0 : used / (double)inPlan;
    }

    private void AddFeatureUsage(DemoRandom rng, Account a, DateOnly?[] firstUse, double[] share, int[] active, bool[] hasUsage)
    {
        for (int mi = 0; mi < historyMonths; mi++)
        {
            if (!hasUsage[mi] || active[mi] == 0)
            {
                continue;
            }

            DateOnly month = MonthStart(mi);
            DateOnly monthEnd = month.AddMonths(1).AddDays(-1);
            for (int f = 0; f < Specs.Length; f++)
            {
                if (firstUse[f] is not { } d || d > monthEnd)
                {
                    continue;
                }

                int since = Math.Max(0, MonthIndex(d) < 0 ? 12 : mi - MonthIndex(d));
                double ramp = Math.Min(1.0, 0.35 + (0.2 * since));
                int users = (int)Math.Round(active[mi] * share[f] * ramp * (1 + rng.Normal(0, 0.1)));
                if (d >= month)
                {
                    users = Math.Max(1, users);
                }

                users = Math.Min(users, active[mi]);
                if (users > 0)
                {
                    _featureUsage.Add(new FeatureUsageMonth(a.Id, month, Specs[f].Feature.Name, users));
                }
            }
        }
    }

    private void AddSubscriptions(
        DemoRandom rng, Account a, DemoTrajectory trajectory, Plan planStart, Plan planNow, DateOnly? upgradeDay,
        DateOnly start, DateOnly end, DateOnly?[] firstUse, int[] active, bool[] hasUsage, List<DateOnly> negativeDays)
    {
        bool leaver = Leaver(trajectory);
        int seatsNow = a.Seats ?? 10;
        int startIndex = Math.Max(0, MonthIndex(start));
        bool signupBeforeHistory = a.SignupDate is null || a.SignupDate < MonthStart(0);
        int endIndex = Math.Min(historyMonths - 1, MonthIndex(end));
        double latent = rng.Normal(0, 0.6);
        double trajectoryTerm = trajectory switch
        {
            DemoTrajectory.Healthy => 0.2,
            DemoTrajectory.Recovering => 0.0,
            _ => -0.8,
        };

        // The draws are fixed first so that the search for seats consistent with the changes below is deterministic.
        var expandDraw = new double[historyMonths];
        var contractDraw = new double[historyMonths];
        var expandSize = new double[historyMonths];
        var contractSize = new double[historyMonths];
        var dayDraw = new double[historyMonths];
        for (int mi = 0; mi < historyMonths; mi++)
        {
            expandDraw[mi] = rng.NextDouble();
            contractDraw[mi] = rng.NextDouble();
            expandSize[mi] = rng.Uniform(0.08, 0.35);
            contractSize[mi] = rng.Uniform(0.6, 0.9);
            dayDraw[mi] = rng.NextDouble();
        }

        // Signals known at the start of month mi, from the months before it (seats aside).
        var canMove = new bool[historyMonths];
        var growth = new double[historyMonths];
        var ceiling = new double[historyMonths];
        int monthsAtCeiling = 0;
        var declining = new bool[historyMonths];
        var negative = new int[historyMonths];
        // An account with history before the window can change from its second month; a new one after two months.
        int firstMove = signupBeforeHistory ? 1 : startIndex + 2;
        // Months at the ceiling already when the history's moves begin, so its start is not a wave of fresh pushes.
        while (monthsAtCeiling < 12 && MonthStart(firstMove - 1 - monthsAtCeiling) > (a.SignupDate ?? DateOnly.MinValue)
            && PlanFill(firstUse, planStart, MonthStart(firstMove - 1 - monthsAtCeiling)) >= 0.7)
        {
            monthsAtCeiling++;
        }

        for (int mi = firstMove; mi <= endIndex; mi++)
        {
            if (!hasUsage[mi - 1])
            {
                continue;
            }

            canMove[mi] = true;
            DateOnly month = MonthStart(mi);
            var before = Enumerable.Range(Math.Max(startIndex, mi - 4), Math.Max(0, mi - 1 - Math.Max(startIndex, mi - 4)))
                .Where(i => hasUsage[i]).Select(i => active[i]).ToList();
            double reference = before.Count == 0 ? active[mi - 1] : before.Average();
            growth[mi] = reference <= 0 ? 0 : (active[mi - 1] / reference) - 1;
            Plan planThen = upgradeDay is { } up && up < month ? planNow : planStart;
            // A plan used to its ceiling pushes hardest in the first months there; the push fades if nothing comes of it.
            monthsAtCeiling = PlanFill(firstUse, planThen, month) >= 0.7 ? monthsAtCeiling + 1 : 0;
            ceiling[mi] = monthsAtCeiling == 0 ? 0.0 : monthsAtCeiling <= 6 ? 2.8 : 0.8;
            int best = Enumerable.Range(Math.Max(startIndex, mi - 7), mi - Math.Max(startIndex, mi - 7)).Where(i => hasUsage[i]).Select(i => active[i]).DefaultIfEmpty(0).Max();
            declining[mi] = best > 0 && active[mi - 1] < 0.8 * best;
            negative[mi] = negativeDays.Count(d => d >= month.AddMonths(-3) && d < month);
        }

        // Seat changes, drawn month by month from today backwards (so the seats after each month are known when it is
        // drawn). The chance of an expansion rises with how full the account runs (active users against today's seats),
        // usage growth and a plan used to its ceiling, and falls with angry support conversations, decline and an expansion
        // made in the months after (one every few months at most); the account's own propensity is noise no signal shows.
        // Seats before an expansion are fewer, so the account ran fuller still before it expanded, but never far over its
        // seats: the size shrinks when it would have been.
        var moves = new int[historyMonths];
        var seatsAt = new int[historyMonths + 1];
        int current = seatsNow;
        for (int mi = historyMonths - 1; mi >= 0; mi--)
        {
            seatsAt[mi + 1] = current;
            if (mi >= firstMove && mi <= endIndex && canMove[mi])
            {
                double used = Math.Max(1, active[mi - 1]);
                double fullness = used / seatsNow;
                bool expandedSoonAfter = moves.Skip(mi + 1).Take(6).Any(m => m > 0);
                double expand = -4.6 + (3.0 * (fullness - 0.75)) + (10.0 * Math.Clamp(growth[mi], -0.4, 0.4))
                    + ceiling[mi] - (1.2 * Math.Min(3, negative[mi])) + latent + trajectoryTerm
                    + (declining[mi] ? -1.0 : 0.0) + (expandedSoonAfter ? -2.5 : 0.0);
                double size = Math.Min(expandSize[mi], (1.2 * current / used) - 1);
                int expandedFrom = Math.Max(1, Math.Min(current - 1, (int)Math.Round(current / (1 + Math.Max(0, size)))));
                double contract = -6.3 + (5.0 * (0.6 - fullness)) + (declining[mi] ? 2.2 : 0.0) + (leaver ? 1.0 : 0.0);
                if (expandDraw[mi] < Sigmoid(expand) && expandedFrom < current && used / expandedFrom <= 1.25)
                {
                    moves[mi] = 1;
                    current = expandedFrom;
                }
                else if (contractDraw[mi] < Sigmoid(contract))
                {
                    moves[mi] = -1;
                    current = Math.Max(current + 1, (int)Math.Round(current / contractSize[mi]));
                }
            }

            seatsAt[mi] = current;
        }

        // Rows: the start, then each change on its day, the last one being the account as it stands.
        decimal arrNow = a.Arr;
        decimal Arr(int seats, Plan plan) => seats == seatsNow && plan == planNow
            ? arrNow
            : Math.Max(100m, Math.Round(arrNow * seats * (decimal)DemoGrowth.PricePerSeat(plan) / (seatsNow * (decimal)DemoGrowth.PricePerSeat(planNow)) / 100m) * 100m);

        var events = new List<(DateOnly Day, int Seats)>();
        for (int mi = firstMove; mi <= endIndex; mi++)
        {
            if (moves[mi] == 0)
            {
                continue;
            }

            DateOnly from = MonthStart(mi);
            DateOnly to = mi == endIndex ? end : from.AddMonths(1).AddDays(-1);
            DateOnly day = from.AddDays((int)(dayDraw[mi] * (to.DayNumber - from.DayNumber + 1)));
            events.Add((day, seatsAt[mi + 1]));
        }

        var rows = new List<(DateOnly Day, int Seats, Plan Plan)>();
        Plan PlanOn(DateOnly day) => upgradeDay is { } up && up < day ? planNow : planStart;
        rows.Add((start, seatsAt[startIndex], planStart));
        foreach ((DateOnly day, int seats) in events)
        {
            rows.Add((day, seats, PlanOn(day)));
        }

        if (upgradeDay is { } upgrade)
        {
            // The seats in force on the upgrade day, then the upgrade itself, after any seat change that day.
            int seats = rows.Where(r => r.Day <= upgrade).Last().Seats;
            rows.Add((upgrade, seats, planNow));
        }

        rows = rows.OrderBy(r => r.Day).ThenBy(r => r.Plan).ToList();
        int seq = 0;
        foreach ((DateOnly day, int seats, Plan plan) in rows)
        {
            string id = "S" + a.Id[1..] + "-" + (++seq).ToString("D2", CultureInfo.InvariantCulture);
            _subscriptions.Add(new SubscriptionChange(id, a.Id, day, plan, seats, Arr(seats, plan)));
        }
    }

    private static double Exponential(DemoRandom rng, double mean) => -Math.Log(1 - rng.NextDouble()) * mean;

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}
