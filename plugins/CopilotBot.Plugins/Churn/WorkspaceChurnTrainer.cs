using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CopilotBot.ML;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Trains the workspace churn model: one gradient-boosted model per horizon on weekly snapshots of the past year.
/// The 90-day model is first evaluated on a fifth of the accounts held out of training (split by account, so no
/// account's snapshots sit on both sides), then every model is trained on all accounts.
/// </summary>
public sealed class WorkspaceChurnTrainer(GbdtOptions? options = null)
{
    public GbdtOptions Options { get; } = options ?? new GbdtOptions { MinSamplesLeaf = 40, EarlyStoppingRounds = 40 };

    public ChurnModelBundle Train(
        IReadOnlyList<AccountHistory> histories,
        DateOnly today,
        DateTimeOffset now,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (histories.Count(h => h.Account.ChurnedOn is not null) < 5)
        {
            throw new InvalidOperationException(
                "Too little history to train a churn model: at least 5 accounts that churned (with churned_on dates) are needed. " +
                "Import accounts with status and churned_on, or start from the demo portfolio.");
        }

        var industries = histories.Select(h => h.Account.Industry).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        TabularSchema schema = ChurnFeatures.Schema(industries);
        var trainer = new GradientBoostingTrainer(Options);
        var rows = new Dictionary<string, int>();
        var positives = new Dictionary<string, int>();
        int steps = ChurnDataset.Horizons.Length + 1, step = 0;
        IProgress<TrainingProgress>? Slice()
        {
            int s = step;
            return progress is null ? null : new Progress(p => progress.Report((s + (p.Round / (double)p.MaxRounds)) / steps));
        }

        // Held-out accounts first, for honest figures, and for the calibration every shown probability goes through.
        var test = histories.Where(h => IsHoldout(h.Account.Id)).ToList();
        var train = histories.Where(h => !IsHoldout(h.Account.Id)).ToList();
        TabularData trainData = ChurnDataset.Training(train, schema, today, 90);
        TabularData testData = ChurnDataset.Training(test, schema, today, 90);
        GbdtModel evalModel = trainer.Train(trainData, Slice(), cancellationToken);
        double[] raw = evalModel.Score(testData);
        double[] margins = new double[testData.RowCount];
        evalModel.ScoreMargins(testData, margins);
        double auc = testData.Labels.IndexOf(1) >= 0 && testData.Labels.IndexOf(0) >= 0 ? Metrics.RocAuc(testData.Labels, raw) : double.NaN;
        double rawBrier = Metrics.Brier(testData.Labels, raw);
        (ProbabilityCalibrator? calibrator, double[] heldOut) = Calibrate(testData, margins);
        double brier = Metrics.Brier(testData.Labels, heldOut);
        ReliabilityTable reliability = ReliabilityTable.Compute(testData.Labels, heldOut, 10);
        step++;

        var models = new Dictionary<int, GbdtModel>();
        foreach (int horizon in ChurnDataset.Horizons)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TabularData data = ChurnDataset.Training(histories, schema, today, horizon);
            GbdtModel model = trainer.Train(data, Slice(), cancellationToken);
            if (horizon == 90)
            {
                models[horizon] = model.WithCalibrator(calibrator);
            }
            else
            {
                // The shorter horizons get their own calibration on the held-out accounts' snapshots.
                TabularData hTrain = ChurnDataset.Training(train, schema, today, horizon);
                TabularData hTest = ChurnDataset.Training(test, schema, today, horizon);
                GbdtModel hEval = trainer.Train(hTrain, null, cancellationToken);
                double[] hMargins = new double[hTest.RowCount];
                hEval.ScoreMargins(hTest, hMargins);
                models[horizon] = model.WithCalibrator(Calibrate(hTest, hMargins).Calibrator);
            }

            rows[horizon.ToString(System.Globalization.CultureInfo.InvariantCulture)] = data.RowCount;
            int pos = 0;
            foreach (int label in data.Labels)
            {
                pos += label;
            }

            positives[horizon.ToString(System.Globalization.CultureInfo.InvariantCulture)] = pos;
            step++;
        }

        progress?.Report(1.0);
        return new ChurnModelBundle(0, now, today, models, new ChurnModelMetrics(rows, positives, auc, brier, test.Count)
        {
            HoldoutBrierUncalibrated90 = rawBrier,
            HoldoutRows90 = testData.RowCount,
            Reliability90 = reliability.Bins.Where(b => b.Count > 0)
                .Select(b => new ReliabilityRow(b.Lower, b.Upper, b.Count, b.MeanPredicted ?? 0, b.ObservedRate ?? 0)).ToList(),
        });
    }

    /// <summary>
    /// A model for one horizon trained only on what was known on <paramref name="asOf"/> (snapshots whose outcome was
    /// known by then), calibrated on the held-out accounts as of then: what the workspace model would have said that day.
    /// Used for out-of-sample backtests.
    /// </summary>
    public GbdtModel TrainAsOf(IReadOnlyList<AccountHistory> histories, DateOnly asOf, int horizon, CancellationToken cancellationToken = default)
    {
        var industries = histories.Select(h => h.Account.Industry).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        TabularSchema schema = ChurnFeatures.Schema(industries);
        var trainer = new GradientBoostingTrainer(Options);
        TabularData trainData = ChurnDataset.Training(histories.Where(h => !IsHoldout(h.Account.Id)).ToList(), schema, asOf, horizon);
        TabularData testData = ChurnDataset.Training(histories.Where(h => IsHoldout(h.Account.Id)).ToList(), schema, asOf, horizon);
        GbdtModel model = trainer.Train(trainData, null, cancellationToken);
        double[] margins = new double[testData.RowCount];
        model.ScoreMargins(testData, margins);
        return model.WithCalibrator(Calibrate(testData, margins).Calibrator);
    }

    /// <summary>
    /// Platt scaling on the held-out accounts' margins, fitted on one half of them (by account) and checked on the other,
    /// then the other way round, so the held-out probabilities returned are calibrated out of sample; the calibrator
    /// returned is fitted on all of them. Null (uncalibrated) when the held-out rows have a single class.
    /// </summary>
    public static (ProbabilityCalibrator? Calibrator, double[] HeldOut) Calibrate(TabularData data, double[] margins)
    {
        int[] labels = data.Labels.ToArray();
        bool[] half = [.. data.Ids!.Select(id => IsHoldout("half:" + id, 2))];
        if (!labels.Contains(1) || !labels.Contains(0))
        {
            return (null, [.. margins.Select(Sigmoid)]);
        }

        // Platt scaling, unless the model's own probabilities score a lower Brier out of sample (a calibrator that makes
        // the held-out figures worse is not kept). Not isotonic regression, though it can score a little lower: its
        // plateaus hold a few hundred held-out rows each, so every account in one shows the same risk (6%, 35%, 69%,
        // ">99%" for a block that happened to be all churners), and a real change in an account's data that stays
        // inside a plateau moves its risk not at all — no risk-jump alert, no visible change. Shown risks must move
        // when the account does.
        double[] platt = CrossFit(CalibrationMethod.Platt);
        double[] none = [.. margins.Select(Sigmoid)];
        return Metrics.Brier(labels, none) <= Metrics.Brier(labels, platt)
            ? (null, none)
            : (ProbabilityCalibrator.FitPlatt(margins, labels), platt);

        double[] CrossFit(CalibrationMethod method)
        {
            var output = new double[margins.Length];
            foreach (bool side in new[] { false, true })
            {
                int[] fitRows = [.. Enumerable.Range(0, margins.Length).Where(i => half[i] != side)];
                int[] fitLabels = [.. fitRows.Select(i => labels[i])];
                ProbabilityCalibrator? part = fitLabels.Contains(1) && fitLabels.Contains(0)
                    ? ProbabilityCalibrator.Fit(method, [.. fitRows.Select(i => margins[i])], fitLabels)
                    : null;
                for (int i = 0; i < margins.Length; i++)
                {
                    if (half[i] == side)
                    {
                        output[i] = part?.Calibrate(margins[i]) ?? Sigmoid(margins[i]);
                    }
                }
            }

            return output;
        }
    }

    private static double Sigmoid(double margin) => 1.0 / (1.0 + Math.Exp(-margin));

    private static bool IsHoldout(string key, int parts) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(key))) % (ulong)parts == 0;

    /// <summary>A fixed fifth of accounts, by a hash of the id, so the split is the same on every run.</summary>
    public static bool IsHoldout(string accountId) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("holdout:" + accountId))) % 5 == 0;

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
