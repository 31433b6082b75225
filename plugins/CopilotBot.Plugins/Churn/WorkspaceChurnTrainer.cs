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

        // Held-out accounts first, for honest figures.
        var test = histories.Where(h => IsHoldout(h.Account.Id)).ToList();
        var train = histories.Where(h => !IsHoldout(h.Account.Id)).ToList();
        TabularData trainData = ChurnDataset.Training(train, schema, today, 90);
        TabularData testData = ChurnDataset.Training(test, schema, today, 90);
        GbdtModel evalModel = trainer.Train(trainData, Slice(), cancellationToken);
        double[] p = evalModel.Score(testData);
        double auc = testData.Labels.IndexOf(1) >= 0 && testData.Labels.IndexOf(0) >= 0 ? Metrics.RocAuc(testData.Labels, p) : double.NaN;
        double brier = Metrics.Brier(testData.Labels, p);
        step++;

        var models = new Dictionary<int, GbdtModel>();
        foreach (int horizon in ChurnDataset.Horizons)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TabularData data = ChurnDataset.Training(histories, schema, today, horizon);
            models[horizon] = trainer.Train(data, Slice(), cancellationToken);
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
        return new ChurnModelBundle(0, now, today, models, new ChurnModelMetrics(rows, positives, auc, brier, test.Count));
    }

    /// <summary>A fixed fifth of accounts, by a hash of the id, so the split is the same on every run.</summary>
    public static bool IsHoldout(string accountId) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("holdout:" + accountId))) % 5 == 0;

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
