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
// Then the bot's own procedure end to end, on portfolios with a longer history: each date's interval calibrated on that
// portfolio's six earlier out-of-sample forecasts a fortnight apart, exactly as portfolio.forecast does.
//   dotnet run -c Release --project bench/CopilotBot.Bench.Forecast -- [seeds=5] [dates=12] [history months for the second part=25, 0 skips it]
int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int dates = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
int longHistory = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
const int Horizon = 90;
var asOf = new DateOnly(2026, 11, 21);
var rows = new List<Row>();
var watch = Stopwatch.StartNew();
Console.WriteLine($"Forecast bench: {seeds} demo portfolios × {dates} dates, {Horizon}-day horizon, 90% intervals, out-of-sample models.");
Console.WriteLine("seed  date        expected     account-level interval    actual    naive     inside");
for (int s = 0; s < seeds; s++)
{
    ulong seed = 42 + ((ulong)s * 1000);
    DemoPortfolio portfolio = new DemoPortfolioGenerator(seed, asOf).Generate();
    List<AccountHistory> histories = Histories(portfolio);
    for (int k = 0; k < dates; k++)
    {
        DateOnly at = asOf.AddDays(-Horizon - (PortfolioPlugin.BacktestSpacingDays * k));
        IReadOnlyList<(Account Account, double Probability)> scored = ChurnRiskService.ScoreOutOfSample(histories, at, Horizon);
        if (scored.Count == 0)
        {
            Console.WriteLine($"{seed,-5} {at:yyyy-MM-dd}  too little history then to train a model");
            continue;
        }

        var inputs = scored.Select(x => (x.Probability, (double)x.Account.Arr)).ToList();
        ForecastDistribution f = ChurnForecast.Simulate(inputs);
        double actual = scored.Where(x => x.Account.ChurnedOn is { } c && c > at && c <= at.AddDays(Horizon)).Sum(x => (double)x.Account.Arr);
        double naive = portfolio.Accounts.Where(a => a.ChurnedOn is { } c && c > at.AddDays(-Horizon) && c <= at).Sum(a => (double)a.Arr);
        rows.Add(new Row(seed, at, inputs, f, actual, naive));
        bool inside = actual >= f.Low && actual <= f.High;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seed,-5} {at:yyyy-MM-dd}  {Money(f.Expected),9}  {Money(f.Low),9} – {Money(f.High),-9}      {Money(actual),9} {Money(naive),9}  {(inside ? "yes" : "no")}"));
    }
}

// Ways to size the interval, each scored on the same forecasts:
//  account-level: independent Bernoulli trials only (the baseline);
//  calibrated on other portfolios: the shared shift's σ (and, in the second line, a bias too) calibrated
//  (ChurnForecast.Calibrate) on every other seed's forecasts, never this portfolio's outcomes.
var accountLevel = rows.Select(r => (r, r.F)).ToList();
List<(Row, ForecastDistribution)> CalibratedOnOthers(bool withBias)
{
    var bySeed = rows.Select(r => r.Seed).Distinct().ToDictionary(seed => seed, seed =>
        ChurnForecast.Calibrate([.. rows.Where(o => o.Seed != seed).Select(o => new PastForecast(o.Inputs, o.Actual))], withBias) ?? (0, 0));
    return [.. rows.Select(r => (r, ChurnForecast.Simulate(r.Inputs, modelError: bySeed[r.Seed].Spread, modelBias: bySeed[r.Seed].Bias)))];
}

var otherPortfolios = CalibratedOnOthers(withBias: false);
var otherPortfoliosBias = CalibratedOnOthers(withBias: true);

Console.WriteLine();
Report("account-level only (baseline)", accountLevel);
Report("σ calibrated on other portfolios", otherPortfolios);
Report("b and σ calibrated on others", otherPortfoliosBias);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Coverage, σ calibrated against the baseline: {Coverage(otherPortfolios) / Coverage(accountLevel):0.00}×."));
double mae = rows.Average(r => Math.Abs(r.F.Expected - r.Actual));
double calibratedMae = otherPortfoliosBias.Average(x => Math.Abs(x.Item2.Expected - x.Item1.Actual));
double naiveMae = rows.Average(r => Math.Abs(r.Naive - r.Actual));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mean absolute error: forecast {Money(mae)} (bias-corrected {Money(calibratedMae)}), naive trailing 90-day churn {Money(naiveMae)} (forecast / naive = {mae / naiveMae:0.00}, corrected / naive = {calibratedMae / naiveMae:0.00})."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mean actual churned ARR per 90 days {Money(rows.Average(r => r.Actual))}, mean forecast {Money(rows.Average(r => r.F.Expected))}; {watch.Elapsed.TotalSeconds:0} s."));

if (longHistory > 0)
{
    // The bot's procedure: on date T, six backtest dates T − 90 − 15j (j = 0..5), each scored by a model trained only on data
    // before it, whose actual churn (known by T) calibrates the shared shift's bias and σ; T's interval then uses them with
    // Student's t for the number of dates. Scores are cached per date: the dates of neighbouring T's coincide.
    var own = new List<(Row Row, ForecastDistribution F)>();
    var ownBias = new List<(Row Row, ForecastDistribution F)>();
    var ownBaseline = new List<(Row Row, ForecastDistribution F)>();
    for (int s = 0; s < seeds; s++)
    {
        ulong seed = 42 + ((ulong)s * 1000);
        List<AccountHistory> histories = Histories(new DemoPortfolioGenerator(seed, asOf, historyMonths: longHistory).Generate());
        var scoredOn = new Dictionary<DateOnly, (List<(double Probability, double Arr)> Inputs, double Actual)?>();
        (List<(double Probability, double Arr)> Inputs, double Actual)? ScoredOn(DateOnly at)
        {
            if (!scoredOn.TryGetValue(at, out var hit))
            {
                IReadOnlyList<(Account Account, double Probability)> scored = ChurnRiskService.ScoreOutOfSample(histories, at, Horizon);
                hit = scored.Count == 0 ? null : (
                    [.. scored.Select(x => (x.Probability, (double)x.Account.Arr))],
                    scored.Where(x => x.Account.ChurnedOn is { } c && c > at && c <= at.AddDays(Horizon)).Sum(x => (double)x.Account.Arr));
                scoredOn[at] = hit;
            }

            return hit;
        }

        for (int k = 0; k < dates; k++)
        {
            DateOnly at = asOf.AddDays(-Horizon - (PortfolioPlugin.BacktestSpacingDays * k));
            if (ScoredOn(at) is not { } today)
            {
                continue;
            }

            List<PastForecast> past = [.. Enumerable.Range(0, PortfolioPlugin.BacktestDates)
                .Select(j => ScoredOn(at.AddDays(-Horizon - (PortfolioPlugin.BacktestSpacingDays * j))))
                .OfType<(List<(double Probability, double Arr)> Inputs, double Actual)>()
                .Select(p => new PastForecast(p.Inputs, p.Actual))];
            double? sigma = ChurnForecast.Calibrate(past)?.Spread;
            (double Bias, double Spread)? both = ChurnForecast.Calibrate(past, withBias: true);
            var row = new Row(seed, at, today.Inputs, ChurnForecast.Simulate(today.Inputs), today.Actual, 0);
            own.Add((row, ChurnForecast.Simulate(today.Inputs, modelError: sigma ?? 0, modelErrorSamples: sigma is null ? 0 : past.Count)));
            ownBias.Add((row, ChurnForecast.Simulate(today.Inputs, modelError: both?.Spread ?? 0, modelBias: both?.Bias ?? 0, modelErrorSamples: both is null ? 0 : past.Count)));
            ownBaseline.Add((row, row.F));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"The bot's own procedure, {seeds} demo portfolios with {longHistory} months of history × {dates} dates (each calibrated on its own six earlier out-of-sample forecasts):");
    Report("account-level only (baseline)", ownBaseline);
    Report("own six dates: σ, t (the bot)", own);
    Report("own six dates: b and σ, t", ownBias);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Coverage against the baseline: {Coverage(own) / Math.Max(1e-9, Coverage(ownBaseline)):0.00}×; {watch.Elapsed.TotalSeconds:0} s in all."));
}

return 0;

static double Coverage(List<(Row Row, ForecastDistribution F)> scored) =>
    scored.Count(x => x.Row.Actual >= x.F.Low && x.Row.Actual <= x.F.High) / (double)Math.Max(1, scored.Count);

static void Report(string name, List<(Row Row, ForecastDistribution F)> scored)
{
    if (scored.Count == 0)
    {
        Console.WriteLine($"90% interval coverage, {name}: no forecasts qualify.");
        return;
    }

    double coverage = Coverage(scored);
    double below = scored.Count(x => x.Row.Actual < x.F.Low) / (double)scored.Count;
    double above = scored.Count(x => x.Row.Actual > x.F.High) / (double)scored.Count;
    double width = scored.Average(x => (x.F.High - x.F.Low) / Math.Max(1, x.F.Expected));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"90% interval coverage, {name,-30}: {coverage,6:P1} of {scored.Count,3} forecasts (target 85–95%); below {below:P1}, above {above:P1}; mean width {width:P0} of the expectation; b {scored.Average(x => x.F.ModelBias):0.00}, σ {scored.Average(x => x.F.ModelError):0.00}."));
}

static List<AccountHistory> Histories(DemoPortfolio portfolio)
{
    var usage = portfolio.Usage.ToLookup(u => u.AccountId);
    var payments = portfolio.Payments.ToLookup(p => p.AccountId);
    var conversations = portfolio.Conversations.Select(c => c.Conversation).Where(c => c.AccountId is not null).ToLookup(c => c.AccountId!);
    return [.. portfolio.Accounts.Select(a => new AccountHistory(
        a,
        usage[a.Id].OrderBy(u => u.Month).ToList(),
        payments[a.Id].OrderBy(p => p.DueDate).ToList(),
        conversations[a.Id].OrderBy(c => c.StartedAt).ToList()))];
}

static string Money(double v) => v >= 1_000_000 ? (v / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + "M" : (v / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k";

internal sealed record Row(ulong Seed, DateOnly At, List<(double Probability, double Arr)> Inputs, ForecastDistribution F, double Actual, double Naive);
