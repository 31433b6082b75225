using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class CalibrationTests
{
    [Theory]
    [InlineData(CalibrationMethod.Platt)]
    [InlineData(CalibrationMethod.Isotonic)]
    public void Calibrate_LowersHeldOutBrier_WhenModelIsOverconfident(CalibrationMethod method)
    {
        var (train, calibration, test) = SplitTelco();
        var overfit = new GbdtOptions
        {
            LearningRate = 0.5, MaxLeaves = 64, MaxDepth = 8, MinSamplesLeaf = 2, L2 = 0,
            RowSubsample = 1, FeatureSubsample = 1, EarlyStoppingRounds = 0, NumRounds = 100,
        };
        var model = new GradientBoostingTrainer(overfit).Train(train);
        var calibrationMargins = new double[calibration.RowCount];
        model.ScoreMargins(calibration, calibrationMargins);

        var calibrated = model.WithCalibrator(ProbabilityCalibrator.Fit(method, calibrationMargins, calibration.Labels));
        var rawBrier = Metrics.Brier(test.Labels, model.Score(test));
        var calibratedBrier = Metrics.Brier(test.Labels, calibrated.Score(test));

        Assert.True(calibratedBrier < rawBrier - 0.005, $"calibrated {calibratedBrier:F4} vs raw {rawBrier:F4}");
        var rawTable = ReliabilityTable.Compute(test.Labels, model.Score(test));
        var calibratedTable = ReliabilityTable.Compute(test.Labels, calibrated.Score(test));
        Assert.True(calibratedTable.ExpectedCalibrationError < rawTable.ExpectedCalibrationError);
    }

    [Fact]
    public void FitPlatt_KeepsHeldOutBrier_WhenFitOnOutOfFoldMarginsOfDefaultModel()
    {
        var (train, calibration, test) = SplitTelco();
        var trainAll = Concat(train, calibration);
        var cv = CrossValidation.Run(trainAll, new GbdtOptions(), folds: 4, seed: 11);
        var model = new GradientBoostingTrainer().Train(trainAll);

        var calibrated = model.WithCalibrator(ProbabilityCalibrator.FitPlatt(cv.OutOfFoldMargins.ToArray(), trainAll.Labels));
        var rawBrier = Metrics.Brier(test.Labels, model.Score(test));
        var calibratedBrier = Metrics.Brier(test.Labels, calibrated.Score(test));

        // A logistic-loss GBDT with early stopping is already close to calibrated: "keeps" allows a sliver of noise.
        Assert.True(calibratedBrier <= rawBrier + 0.001, $"calibrated {calibratedBrier:F4} vs raw {rawBrier:F4}");
        Assert.InRange(calibrated.Calibrator!.PlattA, 0.5, 2.0);
    }

    [Fact]
    public void ReliabilityTableCompute_CountsSumToRows_WhenTenBins()
    {
        var data = TestData.Telco;
        var probabilities = new GradientBoostingTrainer(new GbdtOptions { NumRounds = 30 }).Train(data).Score(data);

        var table = ReliabilityTable.Compute(data.Labels, probabilities);

        Assert.Equal(10, table.Bins.Count);
        Assert.Equal(data.RowCount, table.Bins.Sum(b => b.Count));
        Assert.All(table.Bins.Where(b => b.Count > 0), b => Assert.InRange(b.MeanPredicted!.Value, b.Lower, b.Upper));
        Assert.All(table.Bins.Where(b => b.Count == 0), b => Assert.Null(b.ObservedRate));
        Assert.Contains("ECE", table.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void FitIsotonic_IsMonotoneAndMatchesBlockRates_WhenLabelsViolateOrder()
    {
        double[] margins = [-2, -1, 0, 1, 2, 3];
        int[] labels = [0, 1, 0, 1, 1, 1];

        var calibrator = ProbabilityCalibrator.FitIsotonic(margins, labels);

        // -1 and 0 violate the order and pool to 0.5.
        Assert.Equal(0.5, calibrator.Calibrate(-0.5), 12);
        Assert.Equal(1e-6, calibrator.Calibrate(-5), 12);
        var grid = Enumerable.Range(-40, 100).Select(i => calibrator.Calibrate(i / 10.0)).ToArray();
        Assert.True(grid.Zip(grid.Skip(1)).All(p => p.First <= p.Second));
    }

    private static (TabularData Train, TabularData Calibration, TabularData Test) SplitTelco()
    {
        var data = TestData.Telco;
        var folds = CrossValidation.StratifiedKFold(data.Labels, 5, seed: 5);
        TabularData Take(Func<int, bool> keep) => data.Subset(Enumerable.Range(0, data.RowCount).Where(i => keep(folds[i])).ToArray());
        return (Take(f => f <= 2), Take(f => f == 3), Take(f => f == 4));
    }

    private static TabularData Concat(TabularData a, TabularData b)
    {
        var data = TestData.Telco;
        var ids = a.Ids!.Concat(b.Ids!).ToHashSet();
        return data.Subset(Enumerable.Range(0, data.RowCount).Where(i => ids.Contains(data.Ids![i])).ToArray());
    }
}
