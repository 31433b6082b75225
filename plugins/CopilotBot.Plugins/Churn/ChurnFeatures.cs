using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// The churn model's features, computed for an account as of a date from only what was known on that date
/// (usage of completed months, payments settled by then, conversations started before it), so training snapshots
/// taken in the past see exactly what scoring today sees.
/// </summary>
public static class ChurnFeatures
{
    public static readonly string[] Numeric =
    [
        "arr_log10", "seats", "tenure_days", "days_to_renewal", "months_of_usage", "active_users", "utilization",
        "usage_change_90d", "usage_change_180d", "logins_change_90d", "feature_adoption", "adoption_change_90d",
        "late_payments_180d", "unpaid_overdue", "days_since_last_payment", "tickets_30d", "tickets_90d",
        "negative_tickets_90d", "mean_sentiment_90d", "cancellation_tickets_90d", "days_since_cancellation_talk",
    ];

    public static readonly string[] Categorical = ["tier", "region", "industry"];

    public static TabularSchema Schema(IReadOnlyList<string> industries) =>
        new(
            [
                .. Numeric.Select(FeatureSpec.Numeric),
                FeatureSpec.Categorical("tier", Enum.GetNames<Tier>()),
                FeatureSpec.Categorical("region", Enum.GetNames<Region>()),
                FeatureSpec.Categorical("industry", industries),
            ],
            LabelColumn: "churned",
            IdColumn: "account_id",
            PositiveLabel: "1");

    /// <summary>Numeric feature values (NaN = unknown) in <see cref="Numeric"/> order.</summary>
    public static double[] Compute(AccountHistory h, DateOnly asOf)
    {
        Account a = h.Account;
        var values = new double[Numeric.Length];
        int i = 0;
        values[i++] = Math.Log10(Math.Max(1, (double)a.Arr));
        values[i++] = a.Seats ?? double.NaN;
        values[i++] = a.SignupDate is { } signup ? asOf.DayNumber - signup.DayNumber : double.NaN;
        values[i++] = DaysToRenewal(a, asOf);

        // Usage: only months that had ended before the date.
        int last = -1;
        for (int m = 0; m < h.Usage.Count; m++)
        {
            if (h.Usage[m].Month.AddMonths(1) <= asOf)
            {
                last = m;
            }
        }

        UsageMonth? Back(int months)
        {
            DateOnly month = h.Usage[last].Month.AddMonths(-months);
            for (int m = last; m >= 0; m--)
            {
                if (h.Usage[m].Month == month)
                {
                    return h.Usage[m];
                }
            }

            return null;
        }

        UsageMonth? now = last >= 0 ? h.Usage[last] : null;
        UsageMonth? m3 = now is null ? null : Back(3);
        UsageMonth? m6 = now is null ? null : Back(6);
        values[i++] = last + 1;
        values[i++] = now?.ActiveUsers ?? double.NaN;
        values[i++] = now is not null && a.Seats is > 0 ? Math.Min(2.0, now.ActiveUsers / (double)a.Seats) : double.NaN;
        values[i++] = Change(now?.ActiveUsers, m3?.ActiveUsers);
        values[i++] = Change(now?.ActiveUsers, m6?.ActiveUsers);
        values[i++] = Change(now?.Logins, m3?.Logins);
        values[i++] = now?.FeatureAdoption ?? double.NaN;
        values[i++] = now is not null && m3 is not null ? now.FeatureAdoption - m3.FeatureAdoption : double.NaN;

        // Payments: what was known on the date. Unpaid by then counts as unpaid, whatever happened later.
        int late = 0, overdue = 0;
        DateOnly? lastPaid = null;
        foreach (Payment p in h.Payments)
        {
            if (p.DueDate >= asOf)
            {
                continue;
            }

            bool paidByThen = p.PaidDate is { } paid && paid < asOf;
            if (paidByThen && (lastPaid is null || p.PaidDate > lastPaid))
            {
                lastPaid = p.PaidDate;
            }

            bool lateNow = paidByThen ? p.PaidDate > p.DueDate.AddDays(7) : asOf > p.DueDate.AddDays(7);
            if (lateNow && p.DueDate >= asOf.AddDays(-180))
            {
                late++;
            }

            if (!paidByThen && asOf > p.DueDate.AddDays(7))
            {
                overdue++;
            }
        }

        values[i++] = late;
        values[i++] = overdue;
        values[i++] = lastPaid is { } lp ? asOf.DayNumber - lp.DayNumber : double.NaN;

        // Support conversations started before the date.
        var at = new DateTimeOffset(asOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        int t30 = 0, t90 = 0, neg90 = 0, cancel90 = 0;
        double sinceCancellation = double.NaN;
        double sentimentSum = 0;
        int sentimentCount = 0;
        foreach (SupportConversation c in h.Conversations)
        {
            if (c.Topic == "cancellation" && c.StartedAt < at && c.StartedAt >= at.AddDays(-180))
            {
                double days = (at - c.StartedAt).TotalDays;
                sinceCancellation = double.IsNaN(sinceCancellation) ? days : Math.Min(sinceCancellation, days);
            }

            if (c.StartedAt >= at || c.StartedAt < at.AddDays(-90))
            {
                continue;
            }

            t90++;
            if (c.StartedAt >= at.AddDays(-30))
            {
                t30++;
            }

            if (c.Sentiment is { } s)
            {
                sentimentSum += s;
                sentimentCount++;
                if (s < -0.2)
                {
                    neg90++;
                }
            }

            if (c.Topic == "cancellation")
            {
                cancel90++;
            }
        }

        values[i++] = t30;
        values[i++] = t90;
        values[i++] = neg90;
        values[i++] = sentimentCount > 0 ? sentimentSum / sentimentCount : double.NaN;
        values[i++] = cancel90;
        values[i++] = Math.Floor(sinceCancellation);
        return values;
    }

    public static double DaysToRenewal(Account a, DateOnly asOf)
    {
        // Annual contracts renew on the signup anniversary; an explicit renewal date is used when there is no signup date.
        if (a.SignupDate is { } signup)
        {
            DateOnly next = signup;
            while (next <= asOf)
            {
                next = next.AddYears(1);
            }

            return next.DayNumber - asOf.DayNumber;
        }

        return a.RenewalDate is { } r && r > asOf ? r.DayNumber - asOf.DayNumber : double.NaN;
    }

    private static double Change(int? now, int? before) =>
        now is { } n && before is { } b && b > 0 ? (n - b) / (double)b : double.NaN;
}
