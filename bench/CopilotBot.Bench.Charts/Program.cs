using System.Diagnostics;
using System.Globalization;
using CopilotBot.Charts;

// The charts' sizes and legibility: for the charts the bot sends (support trends by day and by week, the churn forecast
// with its interval, past forecasts, a cohort bar chart, a busy six-series year), the PNG's bytes, the inline data URI's
// characters (what an Adaptive Card carries), the font's cap height and render time. With a folder argument the PNGs
// are written there to look at.
//   dotnet run -c Release --project bench/CopilotBot.Bench.Charts -- [folder]
string? folder = args.Length > 0 ? args[0] : null;
var start = new DateOnly(2026, 10, 22);
var daily = Enumerable.Range(0, 31).Select(i => start.AddDays(i)).ToList();
var weekly = Enumerable.Range(0, 13).Select(i => start.AddDays(-84 + (7 * i))).ToList();
double Wave(int i, double scale, int seed) => Math.Round(scale * (1 + (0.35 * Math.Sin((i * 0.7) + seed)) + (0.15 * Math.Cos(i * 1.9))));
string[] weeks = Enumerable.Range(1, 52).Select(i => $"Week {i}").ToArray();
var charts = new (string Name, ChartSpec Spec)[]
{
    ("support-daily", new ChartSpec(ChartKind.Line, "Support conversations by day", daily.Select(Label).ToList(),
        [new ChartSeries("Conversations", daily.Select((_, i) => Wave(i, 40, 1)).ToList()), new ChartSeries("Negative", daily.Select((_, i) => Wave(i, 9, 4)).ToList())])),
    ("support-weekly", new ChartSpec(ChartKind.Line, "Support conversations by week", weekly.Select(Label).ToList(),
        [new ChartSeries("Conversations", weekly.Select((_, i) => Wave(i, 260, 2)).ToList()), new ChartSeries("Negative", weekly.Select((_, i) => Wave(i, 60, 5)).ToList())])),
    ("forecast", new ChartSpec(ChartKind.Line, "Expected churned ARR by horizon, with the 90% interval", ["30 days", "90 days", "180 days"],
        [new ChartSeries("Likely (expected)", [1_340_000, 5_700_000, 6_740_000])])
    {
        Band = new ChartBand("90% interval", [548_000, 4_590_000, 5_130_000], [2_630_000, 7_580_000, 8_640_000]),
        Format = ValueFormat.Money,
    }),
    ("cohorts", new ChartSpec(ChartKind.Bar, "Churn and average risk by signup year", ["2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"],
        [new ChartSeries("Churned, last 12 months", [0.08, 0.11, 0.09, 0.14, 0.18, 0.12, 0.2, 0.05]), new ChartSeries("Average 90-day risk", [0.07, 0.09, 0.1, 0.12, 0.15, 0.16, 0.19, 0.22])])
    {
        Format = ValueFormat.Percent,
    }),
    ("busy-year", new ChartSpec(ChartKind.Line, "Six series over a year", weeks,
        Enumerable.Range(0, 6).Select(s => new ChartSeries($"Series {s}", weeks.Select((_, i) => Math.Abs(Math.Sin((i * (s + 1)) + s)) * 1_000_000 * (s + 1)).ToArray()) { Dashed = s % 2 == 1 }).ToList())
    {
        Format = ValueFormat.Money,
    }),
};

Console.WriteLine($"Chart bench: font cap height {BitmapFont.CapHeight} px, line height {BitmapFont.LineHeight} px; card budget 28 KB (Teams).");
Console.WriteLine("chart            size      png bytes  data URI chars  render ms");
foreach ((string name, ChartSpec spec) in charts)
{
    ChartRenderer.RenderPng(spec); // warm
    var watch = Stopwatch.StartNew();
    byte[] png = ChartRenderer.RenderPng(spec);
    double ms = watch.Elapsed.TotalMilliseconds;
    int uri = "data:image/png;base64,".Length + (4 * ((png.Length + 2) / 3));
    Console.WriteLine($"{name,-16} {spec.Width}×{spec.Height}  {png.Length,9:N0}  {uri,14:N0}  {ms,9:0.0}");
    if (folder is not null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name + ".png"), png);
    }
}

static string Label(DateOnly d) => d.ToString("MMM d", CultureInfo.InvariantCulture);
