using System.Diagnostics;

namespace CopilotBot.ML;

/// <summary>Stratified k-fold cross-validation of <see cref="GradientBoostingTrainer"/>.</summary>
public static class CrossValidation
{
    /// <summary>
    /// Assigns each row a fold in [0, k) so every fold has (within one row) the same share of each class:
    /// each class's rows are shuffled with <paramref name="seed"/> and dealt round-robin.
    /// </summary>
    public static int[] StratifiedKFold(ReadOnlySpan<int> labels, int k, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        var folds = new int[labels.Length];
        var random = new DeterministicRandom(seed);
        var next = 0;
        for (var label = 0; label <= 1; label++)
        {
            var members = new List<int>();
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == label)
                {
                    members.Add(i);
                }
            }

            var shuffled = members.ToArray();
            random.Shuffle(shuffled.AsSpan());

            // Continue the round-robin across classes so fold sizes differ by at most one row overall.
            foreach (var row in shuffled)
            {
                folds[row] = next;
                next = (next + 1) % k;
            }
        }

        return folds;
    }

    /// <summary>Runs stratified k-fold CV with folds from <see cref="StratifiedKFold"/>.</summary>
    public static CrossValidationResult Run(
        TabularData data,
        GbdtOptions? options = null,
        int folds = 5,
        long seed = 42,
        IProgress<CrossValidationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Run(data, options, StratifiedKFold(data.Labels, folds, seed), progress, cancellationToken);
    }

    /// <summary>Runs CV with a given fold id per row (e.g. to compare with another library on identical folds).</summary>
    public static CrossValidationResult Run(
        TabularData data,
        GbdtOptions? options,
        int[] foldIds,
        IProgress<CrossValidationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(foldIds);
        if (!data.HasLabels)
        {
            throw new ArgumentException("Cross-validation needs labelled data.", nameof(data));
        }

        if (foldIds.Length != data.RowCount)
        {
            throw new ArgumentException($"Got {foldIds.Length} fold ids for {data.RowCount} rows.", nameof(foldIds));
        }

        var foldCount = foldIds.Max() + 1;
        var margins = new double[data.RowCount];
        var results = new List<FoldResult>();
        var trainer = new GradientBoostingTrainer(options);
        for (var fold = 0; fold < foldCount; fold++)
        {
            var trainRows = Enumerable.Range(0, data.RowCount).Where(i => foldIds[i] != fold).ToArray();
            var testRows = Enumerable.Range(0, data.RowCount).Where(i => foldIds[i] == fold).ToArray();
            var train = data.Subset(trainRows);
            var test = data.Subset(testRows);
            var foldProgress = progress is null ? null : new FoldProgress(fold, foldCount, progress);
            var stopwatch = Stopwatch.StartNew();
            var model = trainer.Train(train, foldProgress, cancellationToken);
            stopwatch.Stop();
            var testMargins = new double[testRows.Length];
            model.ScoreMargins(test, testMargins);
            var testProbabilities = testMargins.Select(GradientBoostingTrainer.Sigmoid).ToArray();
            for (var i = 0; i < testRows.Length; i++)
            {
                margins[testRows[i]] = testMargins[i];
            }

            results.Add(new FoldResult(
                fold,
                Metrics.Evaluate(test.Labels, testProbabilities),
                trainRows.Length,
                testRows.Length,
                model.TreeCount,
                stopwatch.Elapsed));
        }

        var probabilities = margins.Select(GradientBoostingTrainer.Sigmoid).ToArray();
        var aucs = results.Select(r => r.Metrics.RocAuc).ToArray();
        var mean = aucs.Average();
        var std = Math.Sqrt(aucs.Sum(a => (a - mean) * (a - mean)) / Math.Max(1, aucs.Length - 1));
        return new CrossValidationResult(
            results,
            mean,
            std,
            Metrics.Evaluate(data.Labels, probabilities),
            foldIds,
            margins,
            probabilities);
    }

    // Forwards synchronously (Progress<T> would post to the thread pool and could reorder rounds).
    private sealed class FoldProgress(int fold, int foldCount, IProgress<CrossValidationProgress> target) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => target.Report(new CrossValidationProgress(fold, foldCount, value));
    }
}
