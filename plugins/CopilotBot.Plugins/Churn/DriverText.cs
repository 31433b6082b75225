using System.Globalization;
using CopilotBot.ML;

namespace CopilotBot.Plugins.Churn;

/// <summary>Turns a feature and its value into the words a CSM would use ("active users fell 42% in 90 days").</summary>
public static class DriverText
{
    private static readonly string[] Numbers = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    public static string Describe(FeatureContribution c)
    {
        double? v = c.NumericValue is { } n && !double.IsNaN(n) ? n : null;
        if (c.Kind == FeatureKind.Categorical)
        {
            return c.Feature switch
            {
                "tier" => $"{c.Value} tier",
                "region" => $"{c.Value} region",
                "industry" => $"{c.Value} industry",
                _ => $"{c.Feature} = {c.Value ?? "unknown"}",
            };
        }

        if (v is null)
        {
            return c.Feature switch
            {
                "usage_change_90d" or "usage_change_180d" or "logins_change_90d" or "active_users" => "no recent usage data",
                "mean_sentiment_90d" => "no support conversations to judge sentiment",
                "days_since_last_payment" => "no payment on record",
                "days_since_cancellation_talk" => "no talk of cancelling in support",
                _ => $"{c.Feature.Replace('_', ' ')} unknown",
            };
        }

        double x = v.Value;
        return c.Feature switch
        {
            "usage_change_90d" => x < 0 ? $"active users fell {Pct(-x)} in 90 days" : $"active users up {Pct(x)} in 90 days",
            "usage_change_180d" => x < 0 ? $"active users fell {Pct(-x)} in 6 months" : $"active users up {Pct(x)} in 6 months",
            "logins_change_90d" => x < 0 ? $"logins fell {Pct(-x)} in 90 days" : $"logins up {Pct(x)} in 90 days",
            "utilization" => $"{Pct(x)} of seats active",
            "active_users" => $"{Count(x)} active users",
            "feature_adoption" => $"feature adoption at {Pct(x)}",
            "adoption_change_90d" => x < 0 ? $"feature adoption down {Points(-x)} in 90 days" : $"feature adoption up {Points(x)} in 90 days",
            "late_payments_180d" => $"{Words((int)x)} late payment{Plural(x)} in 6 months",
            "unpaid_overdue" => x == 0 ? "no overdue invoices" : $"{Words((int)x)} overdue invoice{Plural(x)} unpaid",
            "days_since_last_payment" => $"last payment {Count(x)} days ago",
            "tickets_30d" => $"{Words((int)x)} support conversation{Plural(x)} in 30 days",
            "tickets_90d" => $"{Words((int)x)} support conversation{Plural(x)} in 90 days",
            "negative_tickets_90d" => $"{Words((int)x)} negative support conversation{Plural(x)} in 90 days",
            "mean_sentiment_90d" => $"support sentiment {(x < -0.2 ? "negative" : x > 0.2 ? "positive" : "neutral")} ({x.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)})",
            "cancellation_tickets_90d" => x == 0 ? "no cancellation talk in support" : $"{Words((int)x)} cancellation conversation{Plural(x)} in 90 days",
            "days_since_cancellation_talk" => x <= 1 ? "talked about cancelling in support today" : $"talked about cancelling in support {Count(x)} days ago",
            "tenure_days" => x >= 730 ? $"customer for {Math.Floor(x / 365)} years" : $"customer for {Math.Max(1, Math.Round(x / 30.4))} months",
            "days_to_renewal" => $"renewal in {Count(x)} days",
            "months_of_usage" => $"{Count(x)} months of usage history",
            "arr_log10" => $"ARR {Format.Money(Math.Pow(10, x))}",
            "seats" => Count(x) + (Count(x) == "1" ? " seat" : " seats"),
            _ => $"{c.Feature.Replace('_', ' ')} = {x.ToString("0.##", CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>"usage fell 42% in 90 days (+18 pts)".</summary>
    public static string WithPoints(RiskDriver d) => $"{d.Text} ({Signed(d.Points)})";

    public static string Signed(double points)
    {
        string n = Math.Abs(points).ToString("0", CultureInfo.InvariantCulture);
        return (points >= 0 ? "+" : "−") + n + (n == "1" ? " pt" : " pts");
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Points(double fraction)
    {
        string n = (fraction * 100).ToString("0", CultureInfo.InvariantCulture);
        return n + (n is "1" or "-1" ? " point" : " points");
    }

    private static string Count(double x) => x.ToString("0", CultureInfo.InvariantCulture);

    private static string Words(int n) => n >= 0 && n < Numbers.Length ? Numbers[n] : n.ToString(CultureInfo.InvariantCulture);

    private static string Plural(double n) => n == 1 ? string.Empty : "s";
}
