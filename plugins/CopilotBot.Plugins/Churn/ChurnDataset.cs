using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Turns account histories into model tables: weekly snapshots of the past year labelled by whether the account
/// churned within the horizon after the snapshot (training), or one row per active account today (scoring).
/// </summary>
public static class ChurnDataset
{
    public static readonly int[] Horizons = [7, 30, 90];

    public const int SnapshotWeeks = 46;

    /// <summary>A training table for one horizon. Snapshots whose horizon reaches past today are left out (their label is not known yet).</summary>
    public static TabularData Training(IReadOnlyList<AccountHistory> histories, TabularSchema schema, DateOnly today, int horizonDays)
    {
        var rows = new List<(AccountHistory History, DateOnly At, int Label)>();
        for (int week = 1; week <= SnapshotWeeks; week++)
        {
            DateOnly at = today.AddDays(-7 * week);
            if (at.AddDays(horizonDays) > today)
            {
                continue;
            }

            foreach (AccountHistory h in histories)
            {
                Account a = h.Account;
                if (a.SignupDate is { } s && s > at.AddDays(-30))
                {
                    continue; // Too new to say anything about.
                }

                if (a.ChurnedOn is { } churned && churned <= at)
                {
                    continue; // Already gone.
                }

                int label = a.ChurnedOn is { } c && c > at && c <= at.AddDays(horizonDays) ? 1 : 0;
                rows.Add((h, at, label));
            }
        }

        return Build(schema, rows.Select(r => (r.History, r.At)).ToList(), rows.Select(r => r.Label).ToArray());
    }

    /// <summary>One row per account active on the date.</summary>
    public static TabularData Scoring(IReadOnlyList<AccountHistory> histories, TabularSchema schema, DateOnly date) =>
        Build(schema, histories.Where(h => IsActiveOn(h.Account, date)).Select(h => (h, date)).ToList(), null);

    /// <summary>Signed up by the date and not churned by it (today: simply active).</summary>
    public static bool IsActiveOn(Account account, DateOnly date) =>
        (account.SignupDate is null || account.SignupDate <= date)
        && (account.ChurnedOn is not { } churned ? account.Status == AccountStatus.Active : churned > date);

    private static TabularData Build(TabularSchema schema, List<(AccountHistory History, DateOnly At)> rows, int[]? labels)
    {
        int n = rows.Count;
        int features = schema.Features.Count;
        var numeric = new double[]?[features];
        var categorical = new int[]?[features];
        for (int f = 0; f < features; f++)
        {
            if (schema.Features[f].Kind == FeatureKind.Numeric)
            {
                numeric[f] = new double[n];
            }
            else
            {
                categorical[f] = new int[n];
            }
        }

        int tier = schema.IndexOf("tier"), region = schema.IndexOf("region"), industry = schema.IndexOf("industry");
        var ids = new string[n];
        for (int r = 0; r < n; r++)
        {
            (AccountHistory h, DateOnly at) = rows[r];
            double[] values = ChurnFeatures.Compute(h, at);
            for (int f = 0; f < ChurnFeatures.Numeric.Length; f++)
            {
                numeric[f]![r] = values[f];
            }

            categorical[tier]![r] = schema.Features[tier].CategoryCode(h.Account.Tier.ToString());
            categorical[region]![r] = schema.Features[region].CategoryCode(h.Account.Region.ToString());
            categorical[industry]![r] = schema.Features[industry].CategoryCode(h.Account.Industry);
            ids[r] = h.Account.Id;
        }

        return new TabularData(schema, n, numeric, categorical, labels, ids);
    }
}
