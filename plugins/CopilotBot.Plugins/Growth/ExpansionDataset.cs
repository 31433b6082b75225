using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>One account on one snapshot day: what was known then, and whether it expanded in the 90 days after.</summary>
/// <param name="Features">The account's inputs on the day.</param>
/// <param name="Expanded">An expansion with its date in (day, day + 90 days].</param>
public sealed record ExpansionSnapshot(ExpansionFeatureValues Features, bool Expanded);

/// <summary>
/// The expansion model's training rows: monthly snapshots of every account active on the day, labelled by whether it
/// expanded (a subscription change that <see cref="SubscriptionHistory.Moves"/> calls an expansion) in the 90 days after.
/// Snapshots are one month apart counted back from the cut-off day (not calendar month ends), so each sees its latest
/// ended usage month at the same distance as scoring on the cut-off day does; the last 90 days before the cut-off are
/// left out (their outcome is not known yet), and so are the first three months of the data (no 3-month trend yet).
/// </summary>
public static class ExpansionDataset
{
    /// <summary>The label's horizon: an expansion within this many days after the snapshot.</summary>
    public const int HorizonDays = 90;

    /// <summary>At most this many monthly snapshots (the most recent ones).</summary>
    public const int MaxSnapshots = 36;

    /// <summary>The snapshot days for training with outcomes known by <paramref name="cutoff"/>, oldest first.</summary>
    public static IReadOnlyList<DateOnly> SnapshotDates(GrowthIndex index, DateOnly cutoff)
    {
        ArgumentNullException.ThrowIfNull(index);
        GrowthData d = index.Data;
        DateOnly? first = d.Usage.Count > 0 ? d.Usage.Min(u => u.Month) : d.Subscriptions.Count > 0 ? d.Subscriptions.Min(s => s.On) : null;
        if (first is null)
        {
            return [];
        }

        DateOnly earliest = first.Value.AddMonths(3);
        var dates = new List<DateOnly>();
        for (int k = 1; dates.Count < MaxSnapshots; k++)
        {
            DateOnly at = cutoff.AddMonths(-k);
            if (at < earliest)
            {
                break;
            }

            if (at.AddDays(HorizonDays) <= cutoff)
            {
                dates.Add(at);
            }
        }

        dates.Reverse();
        return dates;
    }

    /// <summary>Every labelled snapshot for training with outcomes known by <paramref name="cutoff"/>, by day then account.</summary>
    public static IReadOnlyList<ExpansionSnapshot> Snapshots(GrowthIndex index, DateOnly cutoff)
    {
        var rows = new List<ExpansionSnapshot>();
        foreach (DateOnly at in SnapshotDates(index, cutoff))
        {
            foreach (AccountGrowth g in index.All)
            {
                if (g.IsActiveOn(at))
                {
                    rows.Add(new ExpansionSnapshot(ExpansionFeatures.Compute(g, index.Data.Features, at), ExpandsWithin(g, at)));
                }
            }
        }

        return rows;
    }

    /// <summary>A model table of the given rows (labels optional), ids = account ids.</summary>
    public static TabularData Table(TabularSchema schema, IReadOnlyList<ExpansionFeatureValues> rows, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        int n = rows.Count;
        int count = schema.Features.Count;
        var numeric = new double[]?[count];
        var categorical = new int[]?[count];
        for (int f = 0; f < ExpansionFeatures.Numeric.Length; f++)
        {
            numeric[f] = new double[n];
        }

        int plan = schema.IndexOf(ExpansionFeatures.PlanName), tier = schema.IndexOf(ExpansionFeatures.TierName);
        categorical[plan] = new int[n];
        categorical[tier] = new int[n];
        var ids = new string[n];
        for (int r = 0; r < n; r++)
        {
            ExpansionFeatureValues v = rows[r];
            double[] values = ExpansionFeatures.ToNumeric(v);
            for (int f = 0; f < values.Length; f++)
            {
                numeric[f]![r] = values[f];
            }

            categorical[plan]![r] = v.Plan is { } p ? (int)p : -1;
            categorical[tier]![r] = (int)v.Tier;
            ids[r] = v.AccountId;
        }

        return new TabularData(schema, n, numeric, categorical, labels, ids);
    }

    internal static bool ExpandsWithin(AccountGrowth g, DateOnly at)
    {
        DateOnly end = at.AddDays(HorizonDays);
        foreach ((SubscriptionChange change, SubscriptionMove move, _) in g.Moves)
        {
            if (move == SubscriptionMove.Expansion && change.On > at && change.On <= end)
            {
                return true;
            }
        }

        return false;
    }
}
