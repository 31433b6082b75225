using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class TelcoModelTests
{
    [Fact]
    public void CrossValidationRun_MeanRocAucAtLeast0845_WhenDefaultOptionsOnTelcoSample()
    {
        var data = TestData.Telco;

        var result = CrossValidation.Run(data, new GbdtOptions(), folds: 5, seed: 42);

        Assert.Equal(5, result.Folds.Count);
        Assert.True(result.MeanRocAuc >= 0.845, $"5-fold CV ROC-AUC {result.MeanRocAuc:F4} is below 0.845");
        Assert.Equal(data.RowCount, result.Folds.Sum(f => f.TestRows));
        Assert.All(result.OutOfFoldProbabilities, p => Assert.InRange(p, 0.0, 1.0));
    }

    [Fact]
    public void CsvTabularReaderLoad_InfersKindsAndMissingTotalCharges_WhenTelcoFile()
    {
        var data = TestData.Telco;

        Assert.Equal(1503, data.RowCount); // the fixture: the first 1,500 customers and every blank-TotalCharges row
        Assert.Equal(19, data.Schema.Features.Count);
        Assert.Equal(FeatureKind.Numeric, data.Schema.Features[data.Schema.IndexOf("TotalCharges")].Kind);
        Assert.Equal(FeatureKind.Numeric, data.Schema.Features[data.Schema.IndexOf("SeniorCitizen")].Kind);
        Assert.Equal(FeatureKind.Categorical, data.Schema.Features[data.Schema.IndexOf("Contract")].Kind);
        Assert.Equal(["Month-to-month", "One year", "Two year"], data.Schema.Features[data.Schema.IndexOf("Contract")].Categories);
        var totalCharges = data.NumericColumn(data.Schema.IndexOf("TotalCharges"));
        Assert.Equal(8, totalCharges.ToArray().Count(double.IsNaN));
        Assert.Equal(-1, data.Schema.IndexOf("customerID"));
        Assert.Equal(-1, data.Schema.IndexOf("Churn"));
        Assert.InRange(data.Labels.ToArray().Average(), 0.25, 0.27);
    }

    [Fact]
    public void Score_ReturnsFiniteProbabilities_WhenTotalChargesIsBlank()
    {
        var data = TestData.Telco;
        var model = new GradientBoostingTrainer().Train(data);
        var totalCharges = data.NumericColumn(data.Schema.IndexOf("TotalCharges")).ToArray();
        var blankRows = Enumerable.Range(0, data.RowCount).Where(i => double.IsNaN(totalCharges[i])).ToArray();

        var probabilities = model.Score(data.Subset(blankRows));

        Assert.Equal(8, blankRows.Length);
        Assert.All(probabilities, p => Assert.True(double.IsFinite(p) && p > 0 && p < 1, $"probability {p}"));
        Assert.All(blankRows, r => Assert.Null(model.Explain(data, r).Contributions[data.Schema.IndexOf("TotalCharges")].Value));
    }

    [Fact]
    public void Train_ProducesIdenticalJson_WhenSameDataAndSeed()
    {
        var data = TestData.Telco;
        var options = new GbdtOptions { Seed = 7 };

        var first = new GradientBoostingTrainer(options).Train(data).ToJson();
        var second = new GradientBoostingTrainer(options).Train(data).ToJson();
        var otherSeed = new GradientBoostingTrainer(options with { Seed = 8 }).Train(data).ToJson();

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void FromJson_GivesIdenticalPredictionsAndExplanations_WhenModelSavedAndLoaded()
    {
        var data = TestData.Telco;
        var calibration = CrossValidation.Run(data.Subset(Enumerable.Range(0, 1000).ToArray()), new GbdtOptions { NumRounds = 50 }, folds: 3, seed: 1);
        var model = new GradientBoostingTrainer().Train(data)
            .WithCalibrator(ProbabilityCalibrator.FitIsotonic(calibration.OutOfFoldMargins.ToArray(), data.Labels[..1000]));
        var path = Path.Combine(Path.GetTempPath(), $"gbdt-{Guid.NewGuid():N}.json");

        try
        {
            model.Save(path);
            var loaded = GbdtModel.Load(path);

            Assert.Equal(model.Score(data), loaded.Score(data));
            var margins = new double[data.RowCount];
            var loadedMargins = new double[data.RowCount];
            model.ScoreMargins(data, margins);
            loaded.ScoreMargins(data, loadedMargins);
            Assert.Equal(margins, loadedMargins);
            Assert.Equal(model.Explain(data, 3), loaded.Explain(data, 3), new ExplanationComparer());
            Assert.Equal(model.ToJson(), loaded.ToJson());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_StopsEarlyAndReportsProgress_WhenValidationLossStopsImproving()
    {
        var data = TestData.Telco;
        var reports = new List<TrainingProgress>();
        var options = new GbdtOptions { LearningRate = 0.3, NumRounds = 1000, EarlyStoppingRounds = 20 };

        var model = new GradientBoostingTrainer(options).Train(data, new InlineProgress(reports.Add));

        Assert.True(model.Summary.StoppedEarly);
        Assert.Equal(model.Summary.RoundsTrained, reports.Count);
        Assert.Equal(model.Summary.TreesKept, model.TreeCount);
        Assert.Equal(reports[^1].BestRound, model.TreeCount);
        Assert.Equal(model.Summary.RoundsTrained - 20, model.TreeCount);
        Assert.All(reports, r => Assert.NotNull(r.ValidationAuc));
        Assert.Equal(Enumerable.Range(1, reports.Count), reports.Select(r => r.Round));
    }

    [Fact]
    public void Explain_NamesFeaturesWithRawValues_WhenTelcoRow()
    {
        var data = TestData.Telco;
        var model = new GradientBoostingTrainer().Train(data);

        var explanation = model.Explain(data, 0);

        Assert.Equal(data.Schema.Features.Select(f => f.Name), explanation.Contributions.Select(c => c.Feature));
        var contract = explanation.Contributions.Single(c => c.Feature == "Contract");
        Assert.Equal(data.DisplayValue(0, data.Schema.IndexOf("Contract")), contract.Value);
        var tenure = explanation.Contributions.Single(c => c.Feature == "tenure");
        Assert.Equal(data.NumericColumn(data.Schema.IndexOf("tenure"))[0], tenure.NumericValue);
        Assert.Equal(explanation.Margin, explanation.ExpectedValue + explanation.Contributions.Sum(c => c.Contribution), 9);
        var points = explanation.ProbabilityPointContributions();
        Assert.Equal(explanation.RawProbability - (1 / (1 + Math.Exp(-explanation.ExpectedValue))), points.Sum(), 9);
    }

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class ExplanationComparer : IEqualityComparer<PredictionExplanation>
    {
        public bool Equals(PredictionExplanation? x, PredictionExplanation? y) =>
            x is not null && y is not null
            && x.ExpectedValue == y.ExpectedValue && x.Margin == y.Margin && x.Probability == y.Probability
            && x.Contributions.SequenceEqual(y.Contributions);

        public int GetHashCode(PredictionExplanation obj) => obj.Margin.GetHashCode();
    }
}
