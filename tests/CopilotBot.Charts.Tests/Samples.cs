namespace CopilotBot.Charts.Tests;

internal static class Samples
{
    public static ChartSpec Forecast() => new(
        ChartKind.Line,
        "Churned ARR: expected and 90% interval",
        ["30 days", "90 days", "180 days"],
        [new ChartSeries("Expected", [420_000, 1_150_000, 2_050_000])])
    {
        Band = new ChartBand("90% interval", [300_000, 950_000, 1_800_000], [560_000, 1_400_000, 2_350_000]),
        Format = ValueFormat.Money,
    };

    public static ChartSpec Weekly() => new(
        ChartKind.Line,
        "Support conversations by week",
        Enumerable.Range(0, 13).Select(i => new DateOnly(2026, 8, 31).AddDays(7 * i).ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        [
            new ChartSeries("Conversations", [210, 198, 225, 240, 231, 260, 300, 280, 265, 250, 245, 262, 270]),
            new ChartSeries("Negative", [40, 38, 45, 50, 48, 61, 95, 70, 60, 52, 49, 55, 58]) { Dashed = true },
        ]);

    public static ChartSpec Bars() => new(
        ChartKind.Bar,
        "Negative share by week",
        ["W1", "W2", "W3", "W4"],
        [new ChartSeries("Billing", [0.1, 0.25, 0.4, 0.2]), new ChartSeries("Login", [0.05, 0.1, 0.15, 0.3])])
    {
        Format = ValueFormat.Percent,
    };
}
