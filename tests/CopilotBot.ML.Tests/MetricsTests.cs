using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class MetricsTests
{
    private static readonly int[] TiedLabels = [0, 0, 1, 1, 0, 1];
    private static readonly double[] TiedScores = [0.1, 0.4, 0.4, 0.8, 0.8, 0.9];

    [Fact]
    public void RocAuc_CountsTiesAsHalf_WhenScoresTie()
    {
        // Positive/negative pairs: 0.4 beats 0.1 and ties 0.4 (1.5); 0.8 beats two and ties one (2.5); 0.9 beats all (3).
        var auc = Metrics.RocAuc(TiedLabels, TiedScores);

        Assert.Equal(7.0 / 9.0, auc, 12);
    }

    [Fact]
    public void RocAuc_IsOneOrZeroOrHalf_WhenScoresSeparateInvertOrAreConstant()
    {
        int[] labels = [0, 1, 0, 1];

        Assert.Equal(1.0, Metrics.RocAuc(labels, [0.1, 0.9, 0.2, 0.8]));
        Assert.Equal(0.0, Metrics.RocAuc(labels, [0.9, 0.1, 0.8, 0.2]));
        Assert.Equal(0.5, Metrics.RocAuc(labels, [0.5, 0.5, 0.5, 0.5]));
        Assert.True(double.IsNaN(Metrics.RocAuc([1, 1], [0.2, 0.3])));
    }

    [Fact]
    public void AveragePrecision_MatchesStepSum_WhenScoresTie()
    {
        // Thresholds 0.9 (R 1/3, P 1), 0.8 (R 2/3, P 2/3), 0.4 (R 1, P 3/5): 1/3 + 2/9 + 1/5.
        var ap = Metrics.AveragePrecision(TiedLabels, TiedScores);

        Assert.Equal(34.0 / 45.0, ap, 12);
    }

    [Fact]
    public void BrierAndLogLoss_MatchHandComputedValues_WhenThreeRows()
    {
        int[] labels = [1, 0, 1];
        double[] probabilities = [0.8, 0.3, 0.5];

        Assert.Equal((0.04 + 0.09 + 0.25) / 3, Metrics.Brier(labels, probabilities), 12);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7) + Math.Log(0.5)) / 3, Metrics.LogLoss(labels, probabilities), 12);
        Assert.True(double.IsFinite(Metrics.LogLoss([1], [0.0])));
    }

    [Fact]
    public void Evaluate_Throws_WhenLengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Evaluate([1, 0], [0.5]));
    }

    [Fact]
    public void StratifiedKFold_BalancesClassesAcrossFolds_WhenImbalancedLabels()
    {
        var labels = Enumerable.Range(0, 1003).Select(i => i % 4 == 0 ? 1 : 0).ToArray();

        var folds = CrossValidation.StratifiedKFold(labels, 5, seed: 3);

        var positivesPerFold = Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, labels.Length).Count(i => folds[i] == f && labels[i] == 1)).ToArray();
        var sizes = Enumerable.Range(0, 5).Select(f => folds.Count(x => x == f)).ToArray();
        Assert.True(positivesPerFold.Max() - positivesPerFold.Min() <= 1, string.Join(",", positivesPerFold));
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        Assert.Equal(folds, CrossValidation.StratifiedKFold(labels, 5, seed: 3));
        Assert.NotEqual(folds, CrossValidation.StratifiedKFold(labels, 5, seed: 4));
    }
}
