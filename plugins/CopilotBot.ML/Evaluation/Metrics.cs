namespace CopilotBot.ML;

/// <summary>Binary classification metrics. Labels are 0/1; scores/probabilities are for class 1.</summary>
public static class Metrics
{
    private const double Epsilon = 1e-15;

    /// <summary>All metrics at once.</summary>
    public static ClassificationMetrics Evaluate(ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities) =>
        new(
            RocAuc(labels, probabilities),
            AveragePrecision(labels, probabilities),
            Brier(labels, probabilities),
            LogLoss(labels, probabilities),
            labels.Length);

    /// <summary>
    /// Area under the ROC curve (Mann–Whitney with mid-ranks, so tied scores count half). NaN when only one
    /// class is present.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        CheckLengths(labels, scores);
        var n = labels.Length;
        var order = SortedOrder(scores, descending: false);
        double positiveRankSum = 0;
        long positives = 0;
        var i = 0;
        while (i < n)
        {
            var j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            // Ranks i+1 .. j+1 share the average rank.
            var midRank = (i + j + 2) / 2.0;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]] == 1)
                {
                    positiveRankSum += midRank;
                    positives++;
                }
            }

            i = j + 1;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision (area under the precision–recall curve as a step sum, Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct
    /// thresholds; tied scores form one threshold). NaN when there are no positives.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        CheckLengths(labels, scores);
        var totalPositives = 0;
        foreach (var label in labels)
        {
            totalPositives += label;
        }

        if (totalPositives == 0)
        {
            return double.NaN;
        }

        var order = SortedOrder(scores, descending: true);
        double ap = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                truePositives += labels[order[j]];
                seen++;
                j++;
            }

            var recall = (double)truePositives / totalPositives;
            var precision = (double)truePositives / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j;
        }

        return ap;
    }

    /// <summary>Mean squared difference between probability and label.</summary>
    public static double Brier(ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities)
    {
        CheckLengths(labels, probabilities);
        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var d = probabilities[i] - labels[i];
            sum += d * d;
        }

        return labels.Length == 0 ? double.NaN : sum / labels.Length;
    }

    /// <summary>Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15].</summary>
    public static double LogLoss(ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities)
    {
        CheckLengths(labels, probabilities);
        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }

        return labels.Length == 0 ? double.NaN : sum / labels.Length;
    }

    private static void CheckLengths(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"Got {labels.Length} labels but {scores.Length} scores.");
        }
    }

    private static int[] SortedOrder(ReadOnlySpan<double> scores, bool descending)
    {
        var keys = scores.ToArray();
        if (descending)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = -keys[i];
            }
        }

        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }
}
