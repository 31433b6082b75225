using System.CommandLine;
using System.Globalization;
using System.Text;
using CopilotBot.ML;
using CopilotBot.Plugins.Churn;

namespace CopilotBot.Host.Cli;

/// <summary>`copilot churn train|score|models|use`: the churn model on any CSV, and the workspace model's versions.</summary>
internal static class ChurnCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var churn = new Command("churn", "Train, evaluate and score churn models; manage the workspace model's versions.");
        churn.Subcommands.Add(Train(stdout, stderr, open));
        churn.Subcommands.Add(Score(stdout, stderr));
        churn.Subcommands.Add(Models(stdout, stderr, open));
        churn.Subcommands.Add(Use(stdout, stderr, open));
        return churn;
    }

    private static Command Train(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var data = new Option<string?>("--data") { Description = "CSV with a header. Without it, the workspace model is retrained from the workspace's accounts." };
        var label = new Option<string?>("--label") { Description = "Label column (e.g. Churn)." };
        var id = new Option<string?>("--id") { Description = "Id column, not used as a feature (e.g. customerID)." };
        var positive = new Option<string>("--positive") { Description = "Label value meaning churned.", DefaultValueFactory = _ => "Yes" };
        var output = new Option<string?>("--out") { Description = "Where to write the model JSON." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { Description = "Seed for folds and sampling.", DefaultValueFactory = _ => 42 };
        var command = new Command("train", "Train a churn model: k-fold CV metrics (ROC-AUC, PR-AUC, Brier, reliability), then a calibrated final model.");
        foreach (Option o in new Option[] { data, label, id, positive, output, folds, seed })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            string? file = parse.GetValue(data);
            if (file is null)
            {
                return await TrainWorkspaceAsync(open(parse), stdout, stderr, ct);
            }

            if (parse.GetValue(label) is not { } labelColumn || parse.GetValue(output) is not { } outPath)
            {
                await stderr.WriteLineAsync("error: --label and --out are required with --data, e.g. copilot churn train --data telco.csv --label Churn --id customerID --out model.json");
                return 2;
            }

            TabularData table = CsvTabularReader.Load(file, labelColumn, parse.GetValue(id), parse.GetValue(positive)!);
            int positives = 0;
            foreach (int l in table.Labels)
            {
                positives += l;
            }

            await stdout.WriteLineAsync($"{table.RowCount:N0} rows, {table.Schema.Features.Count} features ({table.Schema.Features.Count(f => f.Kind == FeatureKind.Categorical)} categorical), {positives:N0} positive ({positives / (double)table.RowCount:P1}).");
            var options = new GbdtOptions { Seed = parse.GetValue(seed) };
            int k = parse.GetValue(folds);
            var bar = new ConsoleProgress($"{k}-fold cross-validation", stderr == Console.Error ? null : stderr);
            CrossValidationResult cv = CrossValidation.Run(table, options, k, options.Seed,
                new Progress<CrossValidationProgress>(p => bar.Report((p.Fold - 1 + (p.Training.Round / (double)p.Training.MaxRounds)) / p.FoldCount)), ct);
            bar.Report(1);
            for (int f = 0; f < cv.Folds.Count; f++)
            {
                await stdout.WriteLineAsync($"  fold {f + 1}: ROC-AUC {cv.Folds[f].Metrics.RocAuc:0.0000}");
            }

            int[] labels = table.Labels.ToArray();
            double[] margins = cv.OutOfFoldMargins.ToArray();
            ProbabilityCalibrator calibrator = ProbabilityCalibrator.FitPlatt(margins, labels);
            double[] calibrated = margins.Select(calibrator.Calibrate).ToArray();
            ClassificationMetrics calibratedMetrics = Metrics.Evaluate(labels, calibrated);
            await stdout.WriteLineAsync($"{k}-fold CV: ROC-AUC {cv.MeanRocAuc:0.0000} ± {cv.StdRocAuc:0.0000}, PR-AUC {cv.OutOfFold.PrAuc:0.0000}, " +
                $"Brier {cv.OutOfFold.Brier:0.0000} (calibrated {calibratedMetrics.Brier:0.0000}), log loss {cv.OutOfFold.LogLoss:0.0000}");
            await stdout.WriteLineAsync("Reliability (out-of-fold, calibrated):");
            await stdout.WriteLineAsync(ReliabilityTable.Compute(labels, calibrated).Format());

            var finalBar = new ConsoleProgress("Training final model", stderr == Console.Error ? null : stderr);
            GbdtModel model = new GradientBoostingTrainer(options).Train(table, new Progress<TrainingProgress>(p => finalBar.Report(p.Round / (double)p.MaxRounds)), ct)
                .WithCalibrator(calibrator);
            finalBar.Report(1);
            model.Save(outPath);
            await stdout.WriteLineAsync($"Model written to {outPath} (Platt-calibrated on out-of-fold predictions).");
            return 0;
        }));
        return command;
    }

    private static async Task<int> TrainWorkspaceAsync(CopilotRuntime runtime, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var loader = new AccountHistoryLoader(runtime.Workspace.Accounts, runtime.Workspace.Activity, runtime.Workspace.Conversations);
        IReadOnlyList<AccountHistory> histories = await loader.LoadAsync(ct);
        var bar = new ConsoleProgress("Training workspace churn model", stderr == Console.Error ? null : stderr);
        ChurnModelBundle bundle = new WorkspaceChurnTrainer().Train(histories, runtime.Today, runtime.Clock.GetUtcNow(), bar, ct);
        ChurnModelBundle saved = await runtime.Models.SaveAsync(bundle, ct);
        runtime.Risk.Invalidate();
        await stdout.WriteLineAsync($"Workspace churn model v{saved.Version} trained and active: held-out accounts ROC-AUC {saved.Metrics.HoldoutAuc90:0.000}, " +
            $"Brier {saved.Metrics.HoldoutBrier90:0.0000} ({saved.Metrics.HoldoutAccounts} accounts); rows per horizon {string.Join(", ", saved.Metrics.Rows.Select(r => $"{r.Key}d {r.Value:N0}"))}.");
        return 0;
    }

    private static Command Score(TextWriter stdout, TextWriter stderr)
    {
        var model = new Option<string>("--model") { Description = "Model JSON from `churn train`.", Required = true };
        var data = new Option<string>("--data") { Description = "CSV to score (same columns as training; extra columns are ignored).", Required = true };
        var output = new Option<string>("--out") { Description = "Predictions CSV: id, probability, driver_1..3.", Required = true };
        var id = new Option<string?>("--id") { Description = "Id column (default: the one used in training)." };
        var command = new Command("score", "Score a CSV with a trained model; each row gets its probability and its top 3 drivers.");
        foreach (Option o in new Option[] { model, data, output, id })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            GbdtModel m = GbdtModel.Load(parse.GetValue(model)!);
            ScoringData scoring = CsvTabularReader.LoadForScoring(parse.GetValue(data)!, m.Schema, parse.GetValue(id) ?? m.Schema.IdColumn);
            foreach (string warning in scoring.Warnings)
            {
                await stderr.WriteLineAsync("warning: " + warning);
            }

            var sw = System.Diagnostics.Stopwatch.StartNew();
            double[] probabilities = m.Score(scoring.Data);
            var csv = new StringBuilder("id,probability,driver_1,driver_2,driver_3\n");
            for (int row = 0; row < scoring.Data.RowCount; row++)
            {
                PredictionExplanation e = m.Explain(scoring.Data, row);
                IReadOnlyList<double> points = e.ProbabilityPointContributions();
                var drivers = e.Contributions.Select((c, i) => (Text: $"{c.Feature} = {c.Value ?? "missing"}", Points: points[i] * 100))
                    .OrderByDescending(d => Math.Abs(d.Points)).Take(3)
                    .Select(d => $"{d.Text} ({DriverText.Signed(d.Points)})").ToList();
                while (drivers.Count < 3)
                {
                    drivers.Add(string.Empty);
                }

                string rowId = scoring.Data.Ids?[row] ?? (row + 1).ToString(CultureInfo.InvariantCulture);
                csv.Append(Csv.Quote(rowId)).Append(',').Append(probabilities[row].ToString("0.######", CultureInfo.InvariantCulture));
                foreach (string d in drivers)
                {
                    csv.Append(',').Append(Csv.Quote(d));
                }

                csv.Append('\n');
            }

            await File.WriteAllTextAsync(parse.GetValue(output)!, csv.ToString(), ct);
            await stdout.WriteLineAsync($"Scored {scoring.Data.RowCount:N0} rows in {sw.Elapsed.TotalSeconds:0.00}s → {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static Command Models(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var command = new Command("models", "List the workspace churn model's versions.");
        command.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            int? active = await runtime.Models.ActiveVersionAsync(ct);
            foreach (ChurnModelInfo b in await runtime.Models.ListAsync(ct))
            {
                ChurnModelMetrics m = b.Metrics;
                string raw = m.HoldoutBrierUncalibrated90 is { } r ? $" (uncalibrated {r:0.0000})" : string.Empty;
                await stdout.WriteLineAsync($"{(b.Version == active ? "*" : " ")} v{b.Version}  trained {b.TrainedAt:yyyy-MM-dd HH:mm}Z on data as of {b.AsOf:yyyy-MM-dd}  held-out ROC-AUC {m.HoldoutAuc90:0.000}  Brier {m.HoldoutBrier90:0.0000}{raw}");
                if (m.Reliability90 is { Count: > 0 } bins)
                {
                    // The held-out reliability of the probabilities people see: in each band, what was predicted and what happened.
                    await stdout.WriteLineAsync($"    held-out reliability, 90-day risk ({m.HoldoutAccounts} accounts, {m.HoldoutRows90} weekly snapshots):");
                    await stdout.WriteLineAsync("      band        rows   predicted  observed");
                    foreach (ReliabilityRow bin in bins)
                    {
                        await stdout.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"      {bin.Lower,4:0.0}–{bin.Upper,-4:0.0}  {bin.Count,6}  {bin.MeanPredicted,8:0.0%}  {bin.Observed,8:0.0%}"));
                    }
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Use(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var version = new Argument<string>("version") { Description = "Version to make active, e.g. 2 or v2." };
        var command = new Command("use", "Make a workspace churn model version active (roll back or forward).");
        command.Arguments.Add(version);
        command.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            string text = parse.GetValue(version)!.TrimStart('v', 'V');
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v))
            {
                await stderr.WriteLineAsync($"error: '{parse.GetValue(version)}' is not a version; see `copilot churn models`.");
                return 2;
            }

            CopilotRuntime runtime = open(parse);
            await runtime.Models.UseAsync(v, ct);
            runtime.Risk.Invalidate();
            await stdout.WriteLineAsync($"Churn model v{v} is now active.");
            return 0;
        }));
        return command;
    }

}
