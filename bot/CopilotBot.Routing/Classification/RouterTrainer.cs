using System.Globalization;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Slots;
using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Classification;

/// <summary>
/// Trains the <see cref="RouterModel"/>: multinomial logistic regression by plain SGD with L2, over the same
/// masked words the router classifies at run time. Single-threaded with a seeded shuffle and scalar
/// arithmetic, so the same inputs give the same model.
/// </summary>
public static class RouterTrainer
{
    private const int Epochs = 14;
    private const double LearningRate = 0.6;
    private const double L2 = 2e-6;
    private const double OutOfScopeWeight = 0.3;
    private const ulong Seed = 42;

    public static string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"lr-sgd epochs={Epochs} lr={LearningRate} l2={L2} oosw={OutOfScopeWeight} seed={Seed} bits={FeatureHasher.Bits} now={TrainingData.TrainingNow:yyyy-MM-dd}");

    /// <summary>The words the classifier sees for <paramref name="text"/> when training (no conversation yet).</summary>
    public static IReadOnlyList<string> MaskForTraining(string text, IAccountDirectory directory)
    {
        string clean = TextSanitizer.Clean(text);
        var context = new RoutingContext(TrainingData.TrainingNow, directory, null);
        return SlotExtractor.Extract(clean, context, null).Masked;
    }

    public static RouterModel Train(IReadOnlyList<LabelledUtterance> examples, string inputHash)
    {
        string[] labels = [.. IntentCatalog.All, IntentCatalog.OutOfScopeLabel];
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        int classes = labels.Length;
        var directory = new InMemoryAccountDirectory(DemoAccounts.Generate());

        var featureSets = new int[examples.Count][];
        var targets = new int[examples.Count];
        var sampleWeights = new double[examples.Count];
        var vocabulary = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new List<int>(256);
        for (int i = 0; i < examples.Count; i++)
        {
            IReadOnlyList<string> words = MaskForTraining(examples[i].Text, directory);
            foreach (string word in words)
            {
                if (word.Length >= 3 && !FeatureHasher.IsPlaceholder(word) && word.All(char.IsLetter))
                {
                    vocabulary.Add(word);
                }
            }

            FeatureHasher.Extract(words, buffer);
            featureSets[i] = [.. buffer];
            targets[i] = labelIndex[examples[i].Label];
            sampleWeights[i] = examples[i].Label == IntentCatalog.OutOfScopeLabel ? OutOfScopeWeight : 1.0;
        }

        int buckets = 1 << FeatureHasher.Bits;
        var weights = new double[buckets * classes];
        var biases = new double[classes];
        double scale = 1.0;
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new SplitMix64(Seed);
        var scores = new double[classes];
        long step = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            foreach (int index in order)
            {
                int[] features = featureSets[index];
                double x = features.Length == 0 ? 0 : 1.0 / Math.Sqrt(features.Length);
                Array.Clear(scores);
                foreach (int feature in features)
                {
                    int row = feature * classes;
                    for (int c = 0; c < classes; c++)
                    {
                        scores[c] += weights[row + c];
                    }
                }

                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    scores[c] = (scores[c] * scale * x) + biases[c];
                    max = Math.Max(max, scores[c]);
                }

                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    scores[c] = Math.Exp(scores[c] - max);
                    sum += scores[c];
                }

                double rate = LearningRate / (1.0 + (LearningRate * L2 * step++));
                scale *= 1.0 - (rate * L2);
                for (int c = 0; c < classes; c++)
                {
                    double gradient = sampleWeights[index] * ((scores[c] / sum) - (c == targets[index] ? 1.0 : 0.0));
                    scores[c] = gradient;
                    biases[c] -= rate * gradient;
                }

                double stepSize = rate * x / scale;
                foreach (int feature in features)
                {
                    int row = feature * classes;
                    for (int c = 0; c < classes; c++)
                    {
                        weights[row + c] -= stepSize * scores[c];
                    }
                }

                if (scale < 1e-6)
                {
                    for (int k = 0; k < weights.Length; k++)
                    {
                        weights[k] *= scale;
                    }

                    scale = 1.0;
                }
            }
        }

        return Quantize(inputHash, labels, weights, scale, biases, vocabulary);
    }

    private static RouterModel Quantize(string inputHash, string[] labels, double[] weights, double scale, double[] biases, HashSet<string> vocabulary)
    {
        int classes = labels.Length;
        var scales = new float[classes];
        for (int c = 0; c < classes; c++)
        {
            double max = 0;
            for (int k = c; k < weights.Length; k += classes)
            {
                max = Math.Max(max, Math.Abs(weights[k] * scale));
            }

            scales[c] = (float)(max > 0 ? max / 127.0 : 1.0);
        }

        var quantized = new sbyte[weights.Length];
        for (int k = 0; k < weights.Length; k++)
        {
            double value = Math.Round(weights[k] * scale / scales[k % classes], MidpointRounding.AwayFromZero);
            quantized[k] = (sbyte)Math.Clamp(value, -127, 127);
        }

        return new RouterModel(inputHash, labels, quantized, scales, [.. biases.Select(static b => (float)b)], vocabulary);
    }
}
