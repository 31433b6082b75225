using System.Diagnostics;
using System.Runtime;
using CopilotBot.Bench.Churn;
using CopilotBot.ML;

// Churn GBDT bench: CV AUC and training time against scikit-learn / xgboost on identical folds, scoring
// throughput of a 200-tree model and TreeSHAP latency. Everything of ours runs on one thread.
const int FoldCount = 5;
const long FoldSeed = 42;
const int ThroughputRows = 2_000_000;
const int ExplainRows = 2000;

// The bench machine may be shared: every training-time figure is the fastest of this many identical runs.
const int TimingRepeats = 3;

var dataPath = args.Length > 0 ? args[0] : FindTelco();
var python = Environment.GetEnvironmentVariable("BENCH_PYTHON") ?? "/usr/bin/python3";
Console.WriteLine($"data: {dataPath}");
Console.WriteLine($"{LoadAverage()} (other work on this machine skews timings; training times are fastest-of-3)");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}; ours runs single-threaded, references get OMP_NUM_THREADS=1 / n_jobs=1");

var data = CsvTabularReader.Load(dataPath, "Churn", "customerID", "Yes");
var options = new GbdtOptions();
var folds = CrossValidation.StratifiedKFold(data.Labels, FoldCount, FoldSeed);
Console.WriteLine($"rows {data.RowCount}, features {data.Schema.Features.Count}, positives {data.Labels.ToArray().Average():P1}, {FoldCount} stratified folds (seed {FoldSeed})");
Console.WriteLine($"our options: lr {options.LearningRate}, max leaves {options.MaxLeaves}, max depth {options.MaxDepth}, min leaf {options.MinSamplesLeaf}, L2 {options.L2}, row/feature subsample {options.RowSubsample}/{options.FeatureSubsample}, ≤{options.NumRounds} rounds, early stopping {options.EarlyStoppingRounds} on {options.ValidationFraction:P0} holdout");
Console.WriteLine();

// Warm the JIT on a throwaway fit so fold 0 is not charged for compilation (the python side has imported already too).
new GradientBoostingTrainer(options with { NumRounds = 20 }).Train(data);
var ours = CrossValidation.Run(data, options, folds);
var ourFoldSeconds = ours.Folds.Select(f => f.TrainingTime.TotalSeconds).ToArray();
for (var repeat = 1; repeat < TimingRepeats; repeat++)
{
    var again = CrossValidation.Run(data, options, folds);
    for (var f = 0; f < FoldCount; f++)
    {
        ourFoldSeconds[f] = Math.Min(ourFoldSeconds[f], again.Folds[f].TrainingTime.TotalSeconds);
    }
}

var (references, problems) = new ReferenceRunner(python, TimingRepeats).Run(dataPath, data, folds, options);
foreach (var problem in problems)
{
    Console.WriteLine($"NOTE: {problem}");
}

const string Ours = "CopilotBot.ML (ours, defaults)";
var table = new List<(string Model, double[] Aucs, double Seconds, double MeanTrees)>
{
    (Ours, ours.Folds.Select(f => f.Metrics.RocAuc).ToArray(), ourFoldSeconds.Sum(), ours.Folds.Average(f => f.Trees)),
};
foreach (var group in references.GroupBy(r => r.Model))
{
    var byFold = group.OrderBy(r => r.Fold).ToArray();
    table.Add((group.Key, byFold.Select(r => r.Auc).ToArray(), byFold.Sum(r => r.TrainSeconds), byFold.Average(r => r.Trees)));
}

Console.WriteLine("== ROC-AUC per fold (same folds for every model) ==");
Console.WriteLine($"{"model",-34} {string.Join(" ", Enumerable.Range(0, FoldCount).Select(f => $"{"fold" + f,7}"))}    mean   trees  train s (5 folds, fastest of {TimingRepeats})");
foreach (var (model, aucs, seconds, trees) in table)
{
    Console.WriteLine($"{model,-34} {string.Join(" ", aucs.Select(a => $"{a,7:F4}"))}  {aucs.Average():F4}  {trees,6:F0}  {seconds,8:F3}");
}

Console.WriteLine();
var ourMean = table[0].Aucs.Average();
var ourSeconds = table[0].Seconds;
if (table.Count > 1)
{
    var best = table.Skip(1).MaxBy(t => t.Aucs.Average());
    var delta = ourMean - best.Aucs.Average();
    Console.WriteLine($"best reference by mean AUC: {best.Model} ({best.Aucs.Average():F4}); ours − best = {delta:+0.0000;-0.0000} ({(delta >= -0.005 ? "within" : "OUTSIDE")} the 0.005 target)");
    Console.WriteLine("training time ratio ours / reference (sum over the 5 folds, 1 thread each; < 1 means we are faster):");
    foreach (var (model, _, seconds, _) in table.Skip(1))
    {
        Console.WriteLine($"  vs {model,-32} {ourSeconds / seconds,6:F2}  ({ourSeconds:F3} s vs {seconds:F3} s)");
    }
}
else
{
    Console.WriteLine("no reference results: only our figures are shown");
}

Console.WriteLine($"ours out-of-fold pooled: AUC {ours.OutOfFold.RocAuc:F4}, PR-AUC {ours.OutOfFold.PrAuc:F4}, Brier {ours.OutOfFold.Brier:F4}, log loss {ours.OutOfFold.LogLoss:F4}");
var reliability = ReliabilityTable.Compute(data.Labels, ours.OutOfFoldProbabilities.ToArray());
Console.WriteLine("out-of-fold reliability (uncalibrated):");
Console.WriteLine(reliability.Format());
var platt = ProbabilityCalibrator.FitPlatt(ours.OutOfFoldMargins.ToArray(), data.Labels);
Console.WriteLine($"Platt fit on OOF margins: A {platt.PlattA:F3}, B {platt.PlattB:F3} (A≈1, B≈0 means already calibrated)");
Console.WriteLine();

// Scoring throughput: a fixed 200-tree model over pre-binned byte rows replicated from the data.
var model200 = new GradientBoostingTrainer(options with { NumRounds = 200, EarlyStoppingRounds = 0 }).Train(data);
var binned = model200.Bin(data).Replicate(ThroughputRows);
var margins = new double[ThroughputRows];
model200.ScoreMargins(binned, margins);
var runs = new List<double>();
for (var run = 0; run < 10; run++)
{
    var stopwatch = Stopwatch.StartNew();
    model200.ScoreMargins(binned, margins);
    runs.Add(ThroughputRows / stopwatch.Elapsed.TotalSeconds);
}

runs.Sort();
Console.WriteLine($"== scoring throughput, {model200.TreeCount} trees (max depth {options.MaxDepth}, ≤{options.MaxLeaves} leaves), {ThroughputRows:N0} pre-binned rows, 1 thread ==");
Console.WriteLine($"rows/s over 10 runs: best {runs[^1]:N0}, median {runs[runs.Count / 2]:N0}, worst {runs[0]:N0}  (target ≥ 1,000,000); {LoadAverage()}");

var replicatedRows = Enumerable.Range(0, 500_000).Select(i => i % data.RowCount).ToArray();
var replicated = data.Subset(replicatedRows);
var probabilities = new double[replicated.RowCount];
model200.Score(replicated, probabilities);
var endToEnd = Stopwatch.StartNew();
model200.Score(replicated, probabilities);
Console.WriteLine($"rows/s including binning from raw values (Score(TabularData), 500,000 rows): {replicated.RowCount / endToEnd.Elapsed.TotalSeconds:N0}");
Console.WriteLine();

// TreeSHAP latency per row.
ReportExplainLatency("200-tree model", model200, data);
var defaultModel = new GradientBoostingTrainer(options).Train(data);
ReportExplainLatency($"default model ({defaultModel.TreeCount} trees, early-stopped)", defaultModel, data);
return 0;

static void ReportExplainLatency(string name, GbdtModel model, TabularData data)
{
    for (var i = 0; i < 200; i++)
    {
        model.Explain(data, i);
    }

    var micros = new double[ExplainRows];
    for (var i = 0; i < ExplainRows; i++)
    {
        var start = Stopwatch.GetTimestamp();
        model.Explain(data, (i * 7919) % data.RowCount);
        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    Array.Sort(micros);
    Console.WriteLine($"TreeSHAP Explain latency, {name}, {ExplainRows} rows: p50 {micros[ExplainRows / 2]:F1} µs, p99 {micros[(int)(ExplainRows * 0.99)]:F1} µs, max {micros[^1]:F1} µs");
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? $"load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores" : "load average unknown";

// The full Telco file in ../shared/data (the tests use a 1,503-row subset in tests/Fixtures); says so and exits when absent.
static string FindTelco() => CopilotBot.Tests.SharedData.Path("telco-churn-train.csv");
