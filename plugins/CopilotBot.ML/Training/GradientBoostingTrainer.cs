namespace CopilotBot.ML;

/// <summary>
/// Trains gradient-boosted decision trees for binary classification with logistic loss. Training is
/// single-threaded and deterministic: the same data, options and seed give a byte-identical model JSON.
/// </summary>
/// <param name="options">Hyperparameters; null uses the defaults.</param>
public sealed class GradientBoostingTrainer(GbdtOptions? options = null)
{
    /// <summary>The hyperparameters in use.</summary>
    public GbdtOptions Options { get; } = options ?? new GbdtOptions();

    /// <summary>Trains a model on labelled data.</summary>
    /// <param name="data">Training rows; must have labels with both classes present.</param>
    /// <param name="progress">Optional per-round progress (for a CLI progress bar).</param>
    /// <param name="cancellationToken">Checked once per round.</param>
    /// <exception cref="ArgumentException">Invalid options, or data without labels / with a single class.</exception>
    public GbdtModel Train(TabularData data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var options = Options;
        options.Validate();
        if (!data.HasLabels)
        {
            throw new ArgumentException("Training data has no labels.", nameof(data));
        }

        var labels = data.Labels.ToArray();
        var positives = labels.Sum();
        if (positives == 0 || positives == labels.Length)
        {
            throw new ArgumentException("Training data needs both classes (some 0 and some 1 labels).", nameof(data));
        }

        var binner = FeatureBinner.Fit(data, options.MaxBins, options.MaxCategoryBins, options.MinCategoryCount);
        var allRows = binner.BinRowMajor(data);
        var featureCount = binner.FeatureCount;
        var random = new DeterministicRandom(options.Seed);

        var (trainIndex, validIndex) = options.EarlyStoppingRounds > 0 && options.ValidationFraction > 0
            ? StratifiedHoldout(labels, options.ValidationFraction, random)
            : (Enumerable.Range(0, labels.Length).ToArray(), Array.Empty<int>());
        var trainRows = Gather(allRows, trainIndex, featureCount);
        var validRows = Gather(allRows, validIndex, featureCount);
        var trainLabels = trainIndex.Select(i => labels[i]).ToArray();
        var validLabels = validIndex.Select(i => labels[i]).ToArray();
        var n = trainIndex.Length;
        if (n < 2 * options.MinSamplesLeaf)
        {
            throw new ArgumentException($"Need at least {2 * options.MinSamplesLeaf} training rows (2 × MinSamplesLeaf); got {n}.", nameof(data));
        }

        var prior = Math.Clamp(trainLabels.Average(), 1e-6, 1 - 1e-6);
        var baseScore = Math.Log(prior / (1 - prior));
        var trainMargins = Enumerable.Repeat(baseScore, n).ToArray();
        var validMargins = Enumerable.Repeat(baseScore, validIndex.Length).ToArray();
        var gradients = new double[n];
        var hessians = new double[n];
        var sample = new int[n];
        var allFeatures = Enumerable.Range(0, featureCount).ToArray();
        var featureCountPerTree = Math.Max(1, (int)Math.Round(featureCount * options.FeatureSubsample));
        var grower = new TreeGrower(trainRows, n, binner, options);
        var trees = new List<RegressionTree>();
        var bestLoss = double.PositiveInfinity;
        var bestRound = 0;
        var stoppedEarly = false;
        var validProbabilities = new double[validIndex.Length];

        for (var round = 1; round <= options.NumRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trainLoss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid(trainMargins[i]);
                gradients[i] = p - trainLabels[i];
                hessians[i] = Math.Max(p * (1 - p), 1e-16);
                if (progress is not null)
                {
                    trainLoss -= trainLabels[i] == 1 ? Math.Log(Math.Max(p, 1e-15)) : Math.Log(Math.Max(1 - p, 1e-15));
                }
            }

            var sampleCount = n;
            if (options.RowSubsample < 1)
            {
                sampleCount = 0;
                for (var i = 0; i < n; i++)
                {
                    if (random.NextDouble() < options.RowSubsample)
                    {
                        sample[sampleCount++] = i;
                    }
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    sample[i] = i;
                }
            }

            var features = allFeatures;
            if (featureCountPerTree < featureCount)
            {
                var shuffled = (int[])allFeatures.Clone();
                random.Shuffle(shuffled.AsSpan());
                features = shuffled[..featureCountPerTree];
                Array.Sort(features);
            }

            var tree = grower.Grow(sample.AsSpan(0, sampleCount), gradients, hessians, features);
            trees.Add(tree);
            // Rows the tree was grown on get their leaf values from the grower's partition; only the rows left
            // out by subsampling walk the tree.
            grower.AddLeafValues(tree, trainMargins);
            if (sampleCount < n)
            {
                var next = 0;
                for (var i = 0; i < n; i++)
                {
                    if (next < sampleCount && sample[next] == i)
                    {
                        next++;
                        continue;
                    }

                    trainMargins[i] += tree.Predict(trainRows.AsSpan(i * featureCount, featureCount));
                }
            }

            double? validLoss = null;
            double? validAuc = null;
            if (validIndex.Length > 0)
            {
                for (var i = 0; i < validMargins.Length; i++)
                {
                    validMargins[i] += tree.Predict(validRows.AsSpan(i * featureCount, featureCount));
                    validProbabilities[i] = Sigmoid(validMargins[i]);
                }

                validLoss = Metrics.LogLoss(validLabels, validProbabilities);
                if (validLoss < bestLoss)
                {
                    bestLoss = validLoss.Value;
                    bestRound = round;
                }

                if (progress is not null)
                {
                    validAuc = Metrics.RocAuc(validLabels, validProbabilities);
                }
            }
            else
            {
                bestRound = round;
            }

            progress?.Report(new TrainingProgress(round, options.NumRounds, trainLoss / n, validLoss, validAuc, bestRound));
            if (validIndex.Length > 0 && round - bestRound >= options.EarlyStoppingRounds)
            {
                stoppedEarly = round < options.NumRounds;
                break;
            }
        }

        var roundsTrained = trees.Count;
        var kept = trees.Take(bestRound).ToArray();
        var summary = new TrainingSummary(
            roundsTrained,
            kept.Length,
            stoppedEarly,
            n,
            validIndex.Length,
            validIndex.Length > 0 ? bestLoss : null);
        return new GbdtModel(data.Schema, binner, baseScore, kept, options, summary, calibrator: null);
    }

    internal static double Sigmoid(double margin) => 1.0 / (1.0 + Math.Exp(-margin));

    private static (int[] Train, int[] Valid) StratifiedHoldout(int[] labels, double fraction, DeterministicRandom random)
    {
        var valid = new List<int>();
        for (var label = 0; label <= 1; label++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            random.Shuffle(members.AsSpan());
            var take = (int)Math.Round(members.Length * fraction);
            valid.AddRange(members.Take(take));
        }

        var validSet = valid.ToHashSet();
        var train = Enumerable.Range(0, labels.Length).Where(i => !validSet.Contains(i)).ToArray();
        var validSorted = valid.Order().ToArray();
        return (train, validSorted);
    }

    private static byte[] Gather(byte[] rows, int[] index, int featureCount)
    {
        var output = new byte[index.Length * featureCount];
        for (var i = 0; i < index.Length; i++)
        {
            rows.AsSpan(index[i] * featureCount, featureCount).CopyTo(output.AsSpan(i * featureCount));
        }

        return output;
    }
}
