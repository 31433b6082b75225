using System.Diagnostics;
using System.Globalization;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Portfolio;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

// The churn forecast's honesty over many dates and seeds: for each demo portfolio (one per seed) and each past date,
// a model trained only on what was known that day forecasts the churned ARR of the next 90 days (the same out-of-sample
// path the bot's backtest takes); the bench prints how often the 90% interval held the actual churn, and the forecast's
// mean absolute error against a naive forecast (the ARR churned in the 90 days before the date).
//   dotnet run -c Release --project bench/CopilotBot.Bench.Forecast -- [seeds=5] [dates=6]
int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int dates = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6;
const int Horizon = 90;
var asOf = new DateOnly(2026, 11, 21);
var rows = new List<(ulong Seed, DateOnly At, double Expected, double Low, double High, double Actual, double Naive)>();
var watch = Stopwatch.StartNew();
Console.WriteLine($"Forecast bench: {seeds} demo portfolios × {dates} dates, {Horizon}-day horizon, 90% intervals, out-of-sample models.");
Console.WriteLine("seed  date        expected     90% interval              actual    naive     inside");
for (int s = 0; s < seeds; s++)
{
    ulong seed = 42 + ((ulong)s * 1000);
    DemoPortfolio portfolio = new DemoPortfolioGenerator(seed, asOf).Generate();
    var usage = portfolio.Usage.ToLookup(u => u.AccountId);
    var payments = portfolio.Payments.ToLookup(p => p.AccountId);
    var conversations = portfolio.Conversations.Select(c => c.Conversation).Where(c => c.AccountId is not null).ToLookup(c => c.AccountId!);
    var histories = portfolio.Accounts.Select(a => new AccountHistory(
        a,
        usage[a.Id].OrderBy(u => u.Month).ToList(),
        payments[a.Id].OrderBy(p => p.DueDate).ToList(),
        conversations[a.Id].OrderBy(c => c.StartedAt).ToList())).ToList();
    for (int k = 0; k < dates; k++)
    {
        DateOnly at = asOf.AddDays(-Horizon - (30 * k));
        IReadOnlyList<(Account Account, double Probability)>? scored = ChurnRiskService.ScoreOutOfSample(histories, at, Horizon);
        if (scored is null)
        {
            continue;
        }

        ForecastDistribution f = ChurnForecast.Simulate(scored.Select(x => (x.Probability, (double)x.Account.Arr)).ToList());
        double actual = scored.Where(x => x.Account.ChurnedOn is { } c && c > at && c <= at.AddDays(Horizon)).Sum(x => (double)x.Account.Arr);
        double naive = portfolio.Accounts.Where(a => a.ChurnedOn is { } c && c > at.AddDays(-Horizon) && c <= at).Sum(a => (double)a.Arr);
        rows.Add((seed, at, f.Expected, f.Low, f.High, actual, naive));
        bool inside = actual >= f.Low && actual <= f.High;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seed,-5} {at:yyyy-MM-dd}  {Money(f.Expected),9}  {Money(f.Low),9} – {Money(f.High),-9}      {Money(actual),9} {Money(naive),9}  {(inside ? "yes" : "no")}"));
    }
}

double coverage = rows.Count(r => r.Actual >= r.Low && r.Actual <= r.High) / (double)Math.Max(1, rows.Count);
double mae = rows.Average(r => Math.Abs(r.Expected - r.Actual));
double naiveMae = rows.Average(r => Math.Abs(r.Naive - r.Actual));
double below = rows.Count(r => r.Actual < r.Low) / (double)Math.Max(1, rows.Count);
double above = rows.Count(r => r.Actual > r.High) / (double)Math.Max(1, rows.Count);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"90% interval coverage: {coverage:P1} of {rows.Count} forecasts (target 85–95%); actual below the interval {below:P1}, above it {above:P1}."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mean absolute error: forecast {Money(mae)}, naive trailing 90-day churn {Money(naiveMae)} (forecast / naive = {mae / naiveMae:0.00})."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mean actual churned ARR per 90 days {Money(rows.Average(r => r.Actual))}, mean forecast {Money(rows.Average(r => r.Expected))}; {watch.Elapsed.TotalSeconds:0} s."));
return 0;

static string Money(double v) => v >= 1_000_000 ? (v / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + "M" : (v / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k";
