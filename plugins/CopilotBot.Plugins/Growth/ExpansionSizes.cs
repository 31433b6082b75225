using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// How big an expansion typically is, learnt from the workspace's past expansions: each expansion's ARR change as a
/// share of the ARR before it. The share for an account is the median over past expansions of accounts on the same plan
/// and tier (the plan just before the expansion), when there are at least <see cref="MinExpansions"/> of them; else the
/// median over the same plan; else over every expansion. An account's typical expansion ARR is that share times its ARR
/// in force, and its expected expansion ARR the model's probability times that.
/// </summary>
public sealed class ExpansionSizes
{
    /// <summary>The fewest past expansions a group needs for its own median.</summary>
    public const int MinExpansions = 5;

    private readonly Dictionary<(Plan, Tier), List<double>> _byPlanTier;
    private readonly Dictionary<Plan, List<double>> _byPlan;
    private readonly List<double> _all;

    private ExpansionSizes(Dictionary<(Plan, Tier), List<double>> byPlanTier, Dictionary<Plan, List<double>> byPlan, List<double> all)
    {
        _byPlanTier = byPlanTier;
        _byPlan = byPlan;
        _all = all;
    }

    /// <summary>Past expansions the sizes were learnt from.</summary>
    public int Expansions => _all.Count;

    /// <summary>The median share over every past expansion, or null when there is none.</summary>
    public double? OverallShare => Median(_all);

    /// <summary>Learns the sizes from the expansions on or before <paramref name="until"/>.</summary>
    public static ExpansionSizes FromHistory(GrowthIndex index, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(index);
        var byPlanTier = new Dictionary<(Plan, Tier), List<double>>();
        var byPlan = new Dictionary<Plan, List<double>>();
        var all = new List<double>();
        foreach (AccountGrowth g in index.All)
        {
            for (int i = 1; i < g.Moves.Count; i++)
            {
                var (change, move, delta) = g.Moves[i];
                SubscriptionChange before = g.Moves[i - 1].Change;
                if (move != SubscriptionMove.Expansion || change.On > until || before.Arr <= 0 || delta <= 0)
                {
                    continue;
                }

                double share = (double)(delta / before.Arr);
                all.Add(share);
                Add(byPlan, before.Plan, share);
                Add(byPlanTier, (before.Plan, g.Account.Tier), share);
            }
        }

        return new ExpansionSizes(byPlanTier, byPlan, all);
    }

    /// <summary>
    /// The typical expansion's share of ARR for an account on <paramref name="plan"/> and <paramref name="tier"/>, and
    /// the basis in words ("median of 14 past expansions of Pro Gold accounts"); null share when nothing is known.
    /// </summary>
    public (double? Share, string Basis) ShareFor(Plan? plan, Tier tier)
    {
        if (plan is { } p && _byPlanTier.TryGetValue((p, tier), out List<double>? group) && group.Count >= MinExpansions)
        {
            return (Median(group), Basis(group.Count, $"{p} {tier} accounts"));
        }

        if (plan is { } q && _byPlan.TryGetValue(q, out List<double>? planGroup) && planGroup.Count >= MinExpansions)
        {
            return (Median(planGroup), Basis(planGroup.Count, $"{q} accounts"));
        }

        return _all.Count > 0 ? (Median(_all), Basis(_all.Count, "all accounts")) : (null, "no past expansions to size it");
    }

    private static string Basis(int count, string who) =>
        string.Create(CultureInfo.InvariantCulture, $"median of {count} past expansion{(count == 1 ? string.Empty : "s")} of {who}");

    private static void Add<TKey>(Dictionary<TKey, List<double>> groups, TKey key, double share)
        where TKey : notnull
    {
        if (!groups.TryGetValue(key, out List<double>? list))
        {
            groups[key] = list = [];
        }

        list.Add(share);
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
