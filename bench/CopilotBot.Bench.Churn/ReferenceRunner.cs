using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CopilotBot.ML;

namespace CopilotBot.Bench.Churn;

/// <summary>Runs reference_models.py with the Debian system python on the same folds as our CV.</summary>
internal sealed class ReferenceRunner(string pythonPath, int repeats)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public (List<ReferenceResult> Results, List<string> Problems) Run(string dataPath, TabularData data, int[] folds, GbdtOptions options)
    {
        var results = new List<ReferenceResult>();
        var problems = new List<string>();
        if (!File.Exists(pythonPath))
        {
            problems.Add($"{pythonPath} not found; install with: apt-get update && apt-get install -y python3-sklearn python3-xgboost python3-pandas");
            return (results, problems);
        }

        var script = Path.Combine(AppContext.BaseDirectory, "reference_models.py");
        var foldsPath = Path.Combine(Path.GetTempPath(), $"copilotbot-churn-folds-{Environment.ProcessId}.csv");
        var paramsPath = Path.Combine(Path.GetTempPath(), $"copilotbot-churn-params-{Environment.ProcessId}.json");
        try
        {
            // Fold ids keyed by customer id: the script joins on the id, so row order cannot drift.
            File.WriteAllLines(foldsPath, ["id,fold", .. data.Ids!.Select((id, i) => $"{id},{folds[i].ToString(CultureInfo.InvariantCulture)}")]);
            File.WriteAllText(paramsPath, JsonSerializer.Serialize(new
            {
                labelColumn = data.Schema.LabelColumn,
                idColumn = data.Schema.IdColumn,
                positiveLabel = data.Schema.PositiveLabel,
                learningRate = options.LearningRate,
                numRounds = options.NumRounds,
                maxLeaves = options.MaxLeaves,
                maxDepth = options.MaxDepth,
                minSamplesLeaf = options.MinSamplesLeaf,
                l2 = options.L2,
                rowSubsample = options.RowSubsample,
                featureSubsample = options.FeatureSubsample,
                earlyStoppingRounds = options.EarlyStoppingRounds,
                validationFraction = options.ValidationFraction,
                maxBins = options.MaxBins,
                repeats,
            }));

            var start = new ProcessStartInfo(pythonPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(dataPath);
            start.ArgumentList.Add(foldsPath);
            start.ArgumentList.Add(paramsPath);
            start.Environment["OMP_NUM_THREADS"] = "1";
            start.Environment["PYTHONWARNINGS"] = "ignore";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python did not start");
            var stderr = process.StandardError.ReadToEndAsync();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    problems.Add(error.GetString() ?? "unknown python error");
                    continue;
                }

                results.Add(new ReferenceResult(
                    root.GetProperty("model").GetString()!,
                    root.GetProperty("fold").GetInt32(),
                    root.GetProperty("auc").GetDouble(),
                    root.GetProperty("train_seconds").GetDouble(),
                    root.GetProperty("trees").GetInt32()));
            }

            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                problems.Add("reference_models.py timed out");
            }
            else if (process.ExitCode != 0)
            {
                var tail = stderr.Result.Trim().Split('\n').TakeLast(3);
                problems.Add($"reference_models.py exited with {process.ExitCode}: {string.Join(" | ", tail)}");
            }
        }
        finally
        {
            File.Delete(foldsPath);
            File.Delete(paramsPath);
        }

        return (results, problems);
    }
}
