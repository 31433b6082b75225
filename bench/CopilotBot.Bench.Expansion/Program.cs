using System.Diagnostics;
using System.Globalization;
using CopilotBot.ML;
using CopilotBot.Plugins.Growth;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

// The expansion model held out by time: for each demo portfolio (25 months of history, one per seed), everything after a
// cut 90 days before the portfolio's date is hidden; the model is trained on snapshots whose 90-day label windows end by
// the cut, then every account active at the cut is scored and checked against whether it expanded in the 90 days after.
// Against the seat-utilisation rule (rank by active users / seats in force) on the same accounts in the same run:
// ROC-AUC and precision@20 (of the 20 ranked first, how many expanded). Also training time and per-account scoring time.
//   dotnet run -c Release --project bench/CopilotBot.Bench.Expansion -- [seeds=3] [accounts=1000] [history months=25] [learning rate] [RecentSnapshots|Accounts]
int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
int accountCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
int historyMonths = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
// Optional: a learning rate other than the model's default, and the hold-out (RecentSnapshots or Accounts).
// EXPANSION_DIAG=1 also prints the first portfolio's mean feature values on the first and last snapshot days and at the cut.
double? learningRate = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : null;
GbdtOptions options = learningRate is { } lr ? ExpansionModel.DefaultOptions with { LearningRate = lr } : ExpansionModel.DefaultOptions;
ExpansionHoldout holdout = args.Length > 4 ? Enum.Parse<ExpansionHoldout>(args[4]) : ExpansionHoldout.RecentSnapshots;
const int Horizon = ExpansionDataset.HorizonDays;
const int TopK = 20;
var asOf = new DateOnly(2026, 11, 21);
DateOnly cut = asOf.AddDays(-Horizon);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Expansion bench: {seeds} demo portfolios × {accountCount} accounts, {historyMonths} months of history to {asOf:yyyy-MM-dd}; cut {cut:yyyy-MM-dd}, label = expanded in ({cut:yyyy-MM-dd}, {asOf:yyyy-MM-dd}]."));
Console.WriteLine();
Console.WriteLine("seed  accounts  expanded  base    AUC model  AUC rule   P@20 model  P@20 rule   P@50 model  P@50 rule   holdout AUC  Brier   mean p  train s (cold/warm)  rows    pos    score all ms  µs/account  one account µs (+reasons)");
var results = new List<Result>();
foreach (int seed in Enumerable.Range(1, seeds))
{
    DemoPortfolio portfolio = new DemoPortfolioGenerator((ulong)seed, asOf, accountCount, historyMonths).Generate();
    var full = new GrowthData(asOf, portfolio.Accounts, portfolio.Features, portfolio.FirstUses, portfolio.FeatureUsage,
        portfolio.Subscriptions, portfolio.Usage, [.. portfolio.Conversations.Select(c => c.Conversation)]);
    GrowthData known = KnownOn(full, cut);

    var watch = Stopwatch.StartNew();
    ExpansionTraining training = ExpansionModel.Train(known, options, holdout);
    double trainSeconds = watch.Elapsed.TotalSeconds;
    watch.Restart();
    _ = ExpansionModel.Train(known, options, holdout); // again, warm (the first run includes JIT compilation)
    double warmSeconds = watch.Elapsed.TotalSeconds;
    if (training.Model is not { } model)
    {
        Console.WriteLine($"{seed,-5} cannot train: {training.CannotTrainReason}");
        continue;
    }

    var index = GrowthIndex.Build(known);
    watch.Restart();
    IReadOnlyList<ExpansionScore> scores = model.ScoreAll(index);
    double scoreAllMs = watch.Elapsed.TotalMilliseconds;
    IReadOnlyList<ExpansionScore> rule = new SeatUtilisationRule(model.Sizes).ScoreAll(index);

    // The truth: an expansion (by the full history) in the 90 days after the cut.
    var expanded = full.Subscriptions.GroupBy(s => s.AccountId)
        .Where(g => SubscriptionHistory.Moves(g).Any(m => m.Move == SubscriptionMove.Expansion && m.Change.On > cut && m.Change.On <= asOf))
        .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    int[] labels = [.. scores.Select(s => expanded.Contains(s.Account.Id) ? 1 : 0)];
    double aucModel = Metrics.RocAuc(labels, [.. scores.Select(s => s.Probability)]);
    var ruleById = rule.ToDictionary(s => s.Account.Id, s => SeatUtilisationRule.RankScore(s.Features), StringComparer.Ordinal);
    double aucRule = Metrics.RocAuc(labels, [.. scores.Select(s => ruleById[s.Account.Id])]);
    double pModel = scores.Take(TopK).Count(s => expanded.Contains(s.Account.Id)) / (double)TopK;
    double pRule = rule.Take(TopK).Count(s => expanded.Contains(s.Account.Id)) / (double)TopK;
    double p50Model = scores.Take(50).Count(s => expanded.Contains(s.Account.Id)) / 50.0;
    double p50Rule = rule.Take(50).Count(s => expanded.Contains(s.Account.Id)) / 50.0;

    // One account at a time, as a question about it would: features, probability, then the reasons (TreeSHAP).
    var sample = scores.Select(s => s.Account.Id).Where((_, i) => i % 5 == 0).ToList();
    foreach (string id in sample.Take(20))
    {
        _ = model.Score(index, id)!.Reasons; // warm-up
    }

    watch.Restart();
    foreach (string id in sample)
    {
        _ = model.Score(index, id)!.Probability;
    }

    double oneMicros = watch.Elapsed.TotalMicroseconds / sample.Count;
    watch.Restart();
    foreach (string id in sample)
    {
        _ = model.Score(index, id)!.Reasons;
    }

    double oneWithReasonsMicros = watch.Elapsed.TotalMicroseconds / sample.Count;
    var r = new Result(seed, scores.Count, labels.Sum(), aucModel, aucRule, pModel, pRule, p50Model, p50Rule, training.Info, trainSeconds, warmSeconds,
        scores.Average(s => s.Probability), scoreAllMs, oneMicros, oneWithReasonsMicros,
        (double)scores.Sum(s => s.ExpectedExpansionArr), ActualExpansionArr(full, scores, cut, asOf));
    results.Add(r);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{seed,-5} {r.Accounts,8}  {r.Expanded,8}  {r.Expanded / (double)r.Accounts,5:0.000}   {r.AucModel,9:0.000}  {r.AucRule,8:0.000}   {r.PModel,10:0.00}  {r.PRule,9:0.00}   {r.P50Model,10:0.00}  {r.P50Rule,9:0.00}   {r.Info.HoldoutAuc,11:0.000}  {r.Info.HoldoutBrier,6:0.000}  {r.MeanP,6:0.000}  {r.TrainSeconds,4:0.0}/{r.WarmSeconds:0.0}  {r.Info.Rows,6}  {r.Info.Positives,5}  {r.ScoreAllMs,12:0}  {r.ScoreAllMs * 1000 / r.Accounts,10:0}  {r.OneMicros,6:0} ({r.OneWithReasonsMicros:0})"));
    if (seed == 1)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {model.Model.TreeCount} trees; held out {training.Info.HoldoutRows} snapshots ({holdout}), calibrated: {training.Info.Calibrated}"));
        var snaps = ExpansionDataset.Snapshots(index, cut);
        Console.Write("      expansion rate by snapshot day: ");
        foreach (var g in snaps.GroupBy(x => x.Features.At))
        {
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"{g.Key:yyMMdd}:{g.Average(x => x.Expanded ? 1.0 : 0):0.000} "));
        }

        Console.WriteLine();
        if (Environment.GetEnvironmentVariable("EXPANSION_DIAG") == "1")
        {
            var last = snaps.Where(x => x.Features.At == snaps[^1].Features.At).Select(x => ExpansionFeatures.ToNumeric(x.Features)).ToList();
            var first = snaps.Where(x => x.Features.At == snaps[0].Features.At).Select(x => ExpansionFeatures.ToNumeric(x.Features)).ToList();
            var now = scores.Select(x => ExpansionFeatures.ToNumeric(x.Features)).ToList();
            for (int f = 0; f < ExpansionFeatures.Numeric.Length; f++)
            {
                double M(List<double[]> rows) => rows.Select(v => v[f]).Where(x => !double.IsNaN(x)).DefaultIfEmpty(double.NaN).Average();
                double Nan(List<double[]> rows) => rows.Count(v => double.IsNaN(v[f])) / (double)rows.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {ExpansionFeatures.Numeric[f],-24} first {M(first),9:0.000} ({Nan(first):0.00})  last snapshot {M(last),9:0.000} ({Nan(last):0.00})  cut {M(now),9:0.000} ({Nan(now):0.00})"));
            }

            var lastP = model.Model.Score(ExpansionDataset.Table(model.Model.Schema, [.. snaps.Where(x => x.Features.At == snaps[^1].Features.At).Select(x => x.Features)]));
            Console.WriteLine($"      mean p last snapshot {lastP.Average():0.000}");
        }
        foreach (ExpansionScore s in scores.Take(5))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"      {s.Account.Id} {s.Probability,5:0.00} {(expanded.Contains(s.Account.Id) ? "expanded" : "did not"),-8}  expected {s.ExpectedExpansionArr,9:0} of {s.TypicalExpansionArr,9:0} ({s.TypicalExpansionBasis}): {string.Join("; ", s.Reasons.Select(x => $"{x.Text} ({x.Points:+0;-0} pts)"))}"));
        }
    }
}

if (results.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Mean over {results.Count} portfolios: ROC-AUC model {results.Average(r => r.AucModel):0.000} vs seat-utilisation rule {results.Average(r => r.AucRule):0.000}; " +
        $"precision@{TopK} model {results.Average(r => r.PModel):0.00} vs rule {results.Average(r => r.PRule):0.00}; precision@50 model {results.Average(r => r.P50Model):0.00} vs rule {results.Average(r => r.P50Rule):0.00} (base rate {results.Average(r => r.Expanded / (double)r.Accounts):0.000})."));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Calibration at the cut: mean probability {results.Average(r => r.MeanP):0.000} vs observed rate {results.Average(r => r.Expanded / (double)r.Accounts):0.000}; " +
        $"expected expansion ARR {results.Average(r => r.ExpectedArr):0} vs actual {results.Average(r => r.ActualArr):0} per portfolio."));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Training {results.Average(r => r.TrainSeconds):0.0} s cold, {results.Average(r => r.WarmSeconds):0.0} s warm, on {results.Average(r => r.Info.Rows):0} snapshots; scoring {results.Average(r => r.ScoreAllMs * 1000 / r.Accounts):0} µs per account in a batch, " +
        $"{results.Average(r => r.OneMicros):0} µs for one account alone, {results.Average(r => r.OneWithReasonsMicros):0} µs with its reasons."));
}

// What was known at the cut: rows dated after it removed, usage months not ended by it dropped, accounts that churned
// later still active, and the account's ARR and seats those of the subscription then in force.
static GrowthData KnownOn(GrowthData data, DateOnly day)
{
    var at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    var subscriptions = data.Subscriptions.Where(s => s.On <= day).ToList();
    var inForce = subscriptions.GroupBy(s => s.AccountId).ToDictionary(g => g.Key, g => SubscriptionHistory.AsOf(g, day)!, StringComparer.Ordinal);
    return new GrowthData(
        day,
        [.. data.Accounts
            .Where(a => a.SignupDate is null || a.SignupDate <= day)
            .Select(a => (a.ChurnedOn is { } c && c > day ? a with { Status = AccountStatus.Active, ChurnedOn = null } : a) is var b && inForce.TryGetValue(b.Id, out SubscriptionChange? s)
                ? b with { Arr = s.Arr, Seats = s.Seats }
                : b)],
        data.Features,
        [.. data.FirstUses.Where(f => f.FirstUsedOn <= day)],
        [.. data.FeatureUsage.Where(f => f.Month.AddMonths(1) <= day)],
        subscriptions,
        [.. data.Usage.Where(u => u.Month.AddMonths(1) <= day)],
        [.. data.Conversations.Where(c => c.StartedAt < at)]);
}

static double ActualExpansionArr(GrowthData full, IReadOnlyList<ExpansionScore> scored, DateOnly from, DateOnly to)
{
    var ids = scored.Select(s => s.Account.Id).ToHashSet(StringComparer.Ordinal);
    return full.Subscriptions.Where(s => ids.Contains(s.AccountId)).GroupBy(s => s.AccountId)
        .Sum(g => SubscriptionHistory.Moves(g).Where(m => m.Move == SubscriptionMove.Expansion && m.Change.On > from && m.Change.On <= to).Sum(m => (double)m.ArrDelta));
}

internal sealed record Result(
    int Seed,
    int Accounts,
    int Expanded,
    double AucModel,
    double AucRule,
    double PModel,
    double PRule,
    double P50Model,
    double P50Rule,
    ExpansionTrainingInfo Info,
    double TrainSeconds,
    double WarmSeconds,
    double MeanP,
    double ScoreAllMs,
    double OneMicros,
    double OneWithReasonsMicros,
    double ExpectedArr,
    double ActualArr);
