using System.Globalization;
using CopilotBot.Charts;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Plugins.Portfolio;

/// <summary>The portfolio answers' charts, each with alt text that says the trend in words (the cards keep their tables).</summary>
internal static class PortfolioCharts
{
    /// <summary>Expected churned ARR at 30, 90 and 180 days, the 90% interval shaded around it.</summary>
    public static CardChart Horizons(IReadOnlyList<(int Days, ForecastDistribution F)> horizons, string scope)
    {
        var spec = new ChartSpec(
            ChartKind.Line,
            "Churned ARR by horizon, 90% interval",
            horizons.Select(h => $"{h.Days} days").ToList(),
            [new ChartSeries("Likely (expected)", horizons.Select(h => h.F.Expected).ToList())])
        {
            Band = new ChartBand("90% interval", horizons.Select(h => h.F.Low).ToList(), horizons.Select(h => h.F.High).ToList()),
            Format = ValueFormat.Money,
        };
        string alt = $"Line chart of expected churned ARR {scope} by horizon: " +
            string.Join("; ", horizons.Select(h => $"{h.Days} days {Format.Money(h.F.Expected)} (90% interval {Format.Money(h.F.Low)} to {Format.Money(h.F.High)})")) + ".";
        return new CardChart(spec, alt);
    }

    /// <summary>Past forecasts (expected, interval shaded) against the ARR that actually churned after each date, oldest first.</summary>
    public static CardChart Backtest(IReadOnlyList<(DateOnly At, ForecastDistribution Past, double Actual)> points, int days)
    {
        var ordered = points.OrderBy(p => p.At).ToList();
        var spec = new ChartSpec(
            ChartKind.Line,
            $"Past {days}-day forecasts against what churned",
            ordered.Select(p => Label(p.At)).ToList(),
            [
                new ChartSeries("Forecast (expected)", ordered.Select(p => p.Past.Expected).ToList()) { Dashed = true },
                new ChartSeries("Actually churned", ordered.Select(p => p.Actual).ToList()),
            ])
        {
            Band = new ChartBand("90% interval", ordered.Select(p => p.Past.Low).ToList(), ordered.Select(p => p.Past.High).ToList()),
            Format = ValueFormat.Money,
        };
        int inside = ordered.Count(p => p.Actual >= p.Past.Low && p.Actual <= p.Past.High);
        string alt = $"Line chart of {days}-day forecasts made on {ordered.Count} past dates against the ARR that churned after each: " +
            string.Join("; ", ordered.Select(p => $"{Format.Iso(p.At)} forecast {Format.Money(p.Past.Expected)}, actual {Format.Money(p.Actual)}")) +
            $". The actual fell inside the 90% interval {inside} of {ordered.Count} times.";
        return new CardChart(spec, alt);
    }

    /// <summary>Expected ARR at risk as scored on each past date (NaN where nothing was scored), ending today.</summary>
    public static CardChart? AtRiskTrend(IReadOnlyList<(DateOnly At, double Expected)> points, string scope)
    {
        var known = points.Where(p => double.IsFinite(p.Expected)).ToList();
        if (known.Count < 2)
        {
            return null; // one point is not a trend
        }

        var spec = new ChartSpec(ChartKind.Line, "Expected ARR at risk over the last months", points.Select(p => Label(p.At)).ToList(), [new ChartSeries("Expected ARR at risk", points.Select(p => p.Expected).ToList())])
        {
            Format = ValueFormat.Money,
        };
        (DateOnly firstAt, double first) = known[0];
        double last = known[^1].Expected;
        var peak = known.MaxBy(p => p.Expected);
        string direction = last > first * 1.05 ? "rose" : last < first * 0.95 ? "fell" : "held steady";
        string alt = $"Line chart of expected ARR at risk {scope}: it {direction} from {Format.Money(first)} on {Format.Iso(firstAt)} to {Format.Money(last)} now" +
            (first > 0 ? $" ({(last >= first ? "+" : "−")}{Math.Abs((last - first) / first) * 100:0}%)" : string.Empty) +
            $"; highest {Format.Money(peak.Expected)} on {Format.Iso(peak.At)}.";
        return new CardChart(spec, alt);
    }

    /// <summary>The most groups a cohort chart shows (the largest by accounts, in the table's order); the table has them all.</summary>
    public const int MaxCohortBars = 12;

    /// <summary>
    /// Churn in the window and average 90-day risk for each group of a cohort view, side by side: where the past and the
    /// model's view of the future agree. Null when no group has either figure.
    /// </summary>
    public static CardChart? Cohorts(CohortReport report)
    {
        var groups = report.Groups.Where(g => g.ChurnRate is not null || g.MeanRisk is not null).ToList();
        if (groups.Count == 0)
        {
            return null;
        }

        int total = groups.Count;
        if (groups.Count > MaxCohortBars)
        {
            var largest = groups.OrderByDescending(g => g.Accounts).ThenBy(g => g.Key, StringComparer.Ordinal).Take(MaxCohortBars).ToHashSet();
            groups = groups.Where(largest.Contains).ToList();
        }

        string by = CohortAnalysis.Title(report.By).ToLowerInvariant();
        string churned = $"Churned, last {CohortAnalysis.ChurnWindowMonths} months";
        var spec = new ChartSpec(
            ChartKind.Bar,
            $"Churn and risk by {by}",
            groups.Select(g => g.Key).ToList(),
            [
                new ChartSeries(churned, groups.Select(g => g.ChurnRate ?? double.NaN).ToList()),
                new ChartSeries("Average 90-day risk", groups.Select(g => g.MeanRisk ?? double.NaN).ToList()),
            ])
        {
            Format = ValueFormat.Percent,
        };
        string alt = $"Bar chart of the share of accounts that churned in the last {CohortAnalysis.ChurnWindowMonths} months and the average 90-day risk of active accounts by {by}" +
            (total > groups.Count ? $" (the {groups.Count} largest of {total} groups)" : string.Empty) + ": " +
            string.Join("; ", groups.Select(g => $"{g.Key} {(g.ChurnRate is { } c ? Format.Percent(c) : "–")} churned, {(g.MeanRisk is { } m ? Format.Risk(m) : "–")} risk")) + ".";
        return new CardChart(spec, alt);
    }

    private static string Label(DateOnly date) => date.ToString("MMM d", CultureInfo.InvariantCulture);
}
