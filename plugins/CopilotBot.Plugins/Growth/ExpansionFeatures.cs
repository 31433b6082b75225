using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// What the expansion model sees of an account on a day, computed only from what was known that day: the latest usage
/// month that had ended, the subscription in force (plan, seats, ARR), the features used that month, support
/// conversations started in the 90 days before, expansions on or before the day. Cards show these numbers as they are.
/// </summary>
/// <param name="AccountId">The account.</param>
/// <param name="At">The day the values describe.</param>
/// <param name="Plan">The plan in force, or null when the account has no subscription history by then.</param>
/// <param name="Tier">The account's tier.</param>
/// <param name="Seats">Seats in force (the subscription's, else the account's), or null.</param>
/// <param name="ActiveUsers">Active users in the latest ended month, or null without usage.</param>
/// <param name="UsageMonth">That month (its first day), or null.</param>
/// <param name="SeatUtilisation">Active users / seats in force (may exceed 1), or null.</param>
/// <param name="UtilisationChange3Months">Utilisation now minus utilisation three months earlier (fraction points), or null.</param>
/// <param name="ActiveUserGrowth3Months">Relative change in active users against the month three months earlier, or null.</param>
/// <param name="LoginGrowth3Months">Relative change in logins against the month three months earlier, or null.</param>
/// <param name="FeaturesInUse">Features used in the latest ended month (by first uses when the account has no monthly feature usage).</param>
/// <param name="PlanFeaturesInUse">Of those, the features the plan includes (minimum plan at or below it).</param>
/// <param name="PlanFeaturesAvailable">Features the plan includes.</param>
/// <param name="HigherPlanFeatures">Features only a higher plan includes (0 on the top plan).</param>
/// <param name="Arr">ARR in force (the subscription's, else the account's).</param>
/// <param name="MeanSentiment90Days">Mean sentiment of support conversations in the 90 days before, or null when none had one.</param>
/// <param name="Tickets90Days">Support conversations started in the 90 days before.</param>
/// <param name="DaysSinceLastExpansion">Days since the latest expansion on or before the day, or null when it never expanded.</param>
/// <param name="AccountAgeDays">Days since the account started (signup, else first subscription), or null.</param>
public sealed record ExpansionFeatureValues(
    string AccountId,
    DateOnly At,
    Plan? Plan,
    Tier Tier,
    int? Seats,
    int? ActiveUsers,
    DateOnly? UsageMonth,
    double? SeatUtilisation,
    double? UtilisationChange3Months,
    double? ActiveUserGrowth3Months,
    double? LoginGrowth3Months,
    int FeaturesInUse,
    int PlanFeaturesInUse,
    int PlanFeaturesAvailable,
    int HigherPlanFeatures,
    decimal Arr,
    double? MeanSentiment90Days,
    int Tickets90Days,
    int? DaysSinceLastExpansion,
    int? AccountAgeDays)
{
    /// <summary>Share of the plan's features in use (how close the account is to the plan's ceiling), or null when the plan has none or is unknown.</summary>
    public double? PlanFeatureShare => Plan is not null && PlanFeaturesAvailable > 0 ? PlanFeaturesInUse / (double)PlanFeaturesAvailable : null;

    /// <summary>Whether a higher plan offers features this one lacks; null when the plan is unknown.</summary>
    public bool? HigherPlanExists => Plan is null ? null : HigherPlanFeatures > 0;
}

/// <summary>The expansion model's inputs: names, schema and their computation from a <see cref="GrowthData"/>.</summary>
public static class ExpansionFeatures
{
    public const string SeatUtilisation = "seat_utilisation";
    public const string UtilisationChange = "utilisation_change_3m";
    public const string ActiveUserGrowth = "active_user_growth_3m";
    public const string LoginGrowth = "login_growth_3m";
    public const string FeaturesInUse = "features_in_use";
    public const string PlanFeatureShare = "plan_feature_share";
    public const string HigherPlanExists = "higher_plan_exists";
    public const string Seats = "seats";
    public const string ArrLog10 = "arr_log10";
    public const string MeanSentiment = "mean_sentiment_90d";
    public const string Tickets = "tickets_90d";
    public const string DaysSinceExpansion = "days_since_expansion";
    public const string AccountAge = "account_age_days";
    public const string PlanName = "plan";
    public const string TierName = "tier";

    /// <summary>Numeric features in model order (the categorical ones, plan and tier, follow).</summary>
    public static readonly string[] Numeric =
    [
        SeatUtilisation, UtilisationChange, ActiveUserGrowth, LoginGrowth, FeaturesInUse, PlanFeatureShare, HigherPlanExists,
        Seats, ArrLog10, MeanSentiment, Tickets, DaysSinceExpansion, AccountAge,
    ];

    /// <summary>The model's schema: <see cref="Numeric"/>, then plan and tier.</summary>
    public static TabularSchema Schema() =>
        new(
            [
                .. Numeric.Select(FeatureSpec.Numeric),
                FeatureSpec.Categorical(PlanName, Enum.GetNames<Plan>()),
                FeatureSpec.Categorical(TierName, Enum.GetNames<Tier>()),
            ],
            LabelColumn: "expanded_90d",
            IdColumn: "account_id",
            PositiveLabel: "1");

    /// <summary>The account's values on <paramref name="at"/>, or null when the data has no such account.</summary>
    public static ExpansionFeatureValues? Compute(GrowthData data, string accountId, DateOnly at)
    {
        ArgumentNullException.ThrowIfNull(data);
        var one = data with
        {
            Accounts = [.. data.Accounts.Where(a => a.Id == accountId).Take(1)],
        };
        GrowthIndex index = GrowthIndex.Build(one);
        return index.Account(accountId) is { } g ? Compute(g, data.Features, at) : null;
    }

    /// <summary>The model's numeric inputs (NaN = unknown), in <see cref="Numeric"/> order.</summary>
    public static double[] ToNumeric(ExpansionFeatureValues v)
    {
        static double N(double? x) => x ?? double.NaN;
        return
        [
            N(v.SeatUtilisation),
            N(v.UtilisationChange3Months),
            N(v.ActiveUserGrowth3Months),
            N(v.LoginGrowth3Months),
            v.FeaturesInUse,
            N(v.PlanFeatureShare),
            v.HigherPlanExists is { } h ? (h ? 1 : 0) : double.NaN,
            N(v.Seats),
            Math.Log10(Math.Max(1, (double)v.Arr)),
            N(v.MeanSentiment90Days),
            v.Tickets90Days,
            N(v.DaysSinceLastExpansion),
            N(v.AccountAgeDays),
        ];
    }

    internal static ExpansionFeatureValues Compute(AccountGrowth g, IReadOnlyList<ProductFeature> catalog, DateOnly at)
    {
        Account a = g.Account;
        SubscriptionChange? sub = SubscriptionHistory.AsOf(g.Subscriptions, at);
        int? seats = sub?.Seats ?? a.Seats;
        decimal arr = sub?.Arr ?? a.Arr;
        Plan? plan = sub?.Plan;

        // Usage: the latest month that had ended by the day, and the month three before it.
        int last = LatestEnded(g.Usage, at);
        UsageMonth? now = last >= 0 ? g.Usage[last] : null;
        UsageMonth? before = null;
        if (now is not null)
        {
            DateOnly month = now.Month.AddMonths(-3);
            for (int m = last - 1; m >= 0 && g.Usage[m].Month >= month; m--)
            {
                if (g.Usage[m].Month == month)
                {
                    before = g.Usage[m];
                }
            }
        }

        double? utilisation = Utilisation(now?.ActiveUsers, seats);
        int? seatsBefore = SubscriptionHistory.AsOf(g.Subscriptions, at.AddMonths(-3))?.Seats ?? (g.Subscriptions.Count == 0 ? a.Seats : null);
        double? utilisationBefore = before is null ? null : Utilisation(before.ActiveUsers, seatsBefore);

        // Features used in the latest ended month; first uses by the day when the account has no monthly feature usage.
        var inUse = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (g.FeatureUsage.Count > 0)
        {
            // The usage month when there is one (a month without feature rows used none), else the latest ended month with feature rows.
            DateOnly? target = now?.Month;
            if (target is null)
            {
                foreach (FeatureUsageMonth f in g.FeatureUsage)
                {
                    if (f.Month.AddMonths(1) <= at && (target is null || f.Month > target))
                    {
                        target = f.Month;
                    }
                }
            }

            foreach (FeatureUsageMonth f in g.FeatureUsage)
            {
                if (f.Month == target && f.Users > 0)
                {
                    inUse.Add(f.Feature);
                }
            }
        }
        else
        {
            foreach (FeatureFirstUse f in g.FirstUses)
            {
                if (f.FirstUsedOn <= at)
                {
                    inUse.Add(f.Feature);
                }
            }
        }

        int planAvailable = 0, planInUse = 0, higher = 0;
        if (plan is { } p)
        {
            foreach (ProductFeature f in catalog)
            {
                if (f.MinPlan <= p)
                {
                    planAvailable++;
                    if (inUse.Contains(f.Name))
                    {
                        planInUse++;
                    }
                }
                else
                {
                    higher++;
                }
            }
        }

        // Support: conversations started in the 90 days before the day.
        var end = new DateTimeOffset(at.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset start = end.AddDays(-90);
        int tickets = 0, withSentiment = 0;
        double sentiment = 0;
        foreach (SupportConversation c in g.Conversations)
        {
            if (c.StartedAt >= start && c.StartedAt < end)
            {
                tickets++;
                if (c.Sentiment is { } s)
                {
                    sentiment += s;
                    withSentiment++;
                }
            }
        }

        DateOnly? lastExpansion = null;
        foreach ((SubscriptionChange change, SubscriptionMove move, _) in g.Moves)
        {
            if (move == SubscriptionMove.Expansion && change.On <= at)
            {
                lastExpansion = change.On;
            }
        }

        return new ExpansionFeatureValues(
            a.Id,
            at,
            plan,
            a.Tier,
            seats,
            now?.ActiveUsers,
            now?.Month,
            utilisation,
            utilisation is { } u && utilisationBefore is { } ub ? u - ub : null,
            Change(now?.ActiveUsers, before?.ActiveUsers),
            Change(now?.Logins, before?.Logins),
            inUse.Count,
            planInUse,
            planAvailable,
            higher,
            arr,
            withSentiment > 0 ? sentiment / withSentiment : null,
            tickets,
            lastExpansion is { } e ? at.DayNumber - e.DayNumber : null,
            g.Start is { } s0 && s0 <= at ? at.DayNumber - s0.DayNumber : null);
    }

    /// <summary>Index of the latest usage month that had ended by the day (its next month started on or before it), or -1.</summary>
    internal static int LatestEnded(List<UsageMonth> usage, DateOnly at)
    {
        int last = -1;
        for (int m = 0; m < usage.Count; m++)
        {
            if (usage[m].Month.AddMonths(1) <= at)
            {
                last = m;
            }
        }

        return last;
    }

    private static double? Utilisation(int? activeUsers, int? seats) =>
        activeUsers is { } u && seats is > 0 ? u / (double)seats.Value : null;

    private static double? Change(int? now, int? before) =>
        now is { } n && before is { } b && b > 0 ? (n - b) / (double)b : null;
}
