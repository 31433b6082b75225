using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class TrainerTests
{
    [Fact]
    public void Train_ReachesAucNearOne_WhenCategoryDeterminesLabel()
    {
        var categories = Enumerable.Range(0, 24).Select(i => $"k{i}").ToList();
        var positive = Enumerable.Range(0, 24).Where(i => ((i * 5) + 3) % 24 < 11).ToHashSet();
        TabularData Make(int seed, int rows)
        {
            var random = new Random(seed);
            var codes = Enumerable.Range(0, rows).Select(_ => random.Next(24)).ToArray();
            var noise = Enumerable.Range(0, rows).Select(_ => random.NextDouble()).ToArray();
            var schema = new TabularSchema([FeatureSpec.Categorical("segment", categories), FeatureSpec.Numeric("noise")]);
            return new TabularData(schema, rows, [null, noise], [codes, null], codes.Select(c => positive.Contains(c) ? 1 : 0).ToArray());
        }

        var train = Make(1, 2000);
        var test = Make(2, 1000);

        var model = new GradientBoostingTrainer().Train(train);
        var auc = Metrics.RocAuc(test.Labels, model.Score(test));

        Assert.True(auc > 0.999, $"AUC {auc}");
        var firstSplit = model.Trees[0].Nodes[0];
        Assert.Equal(0, firstSplit.Feature);
        Assert.NotNull(firstSplit.CategoryRight);
    }

    [Fact]
    public void Train_LearnsMissingDirection_WhenMissingValuesMeanPositive()
    {
        var random = new Random(9);
        const int Rows = 3000;
        var x = new double[Rows];
        var labels = new int[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var missing = random.NextDouble() < 0.2;
            x[i] = missing ? double.NaN : random.NextDouble() * 10;
            labels[i] = missing || x[i] > 8 ? 1 : 0;
        }

        var schema = new TabularSchema([FeatureSpec.Numeric("x")]);
        var model = new GradientBoostingTrainer().Train(new TabularData(schema, Rows, [x], [null], labels));
        var probe = new TabularData(schema, 3, [new[] { double.NaN, 2.0, 9.0 }], [null]);

        var probabilities = model.Score(probe);

        Assert.True(probabilities[0] > 0.9, $"missing → {probabilities[0]}");
        Assert.True(probabilities[1] < 0.1, $"x=2 → {probabilities[1]}");
        Assert.True(probabilities[2] > 0.9, $"x=9 → {probabilities[2]}");
    }

    [Fact]
    public void Train_ThrowsNamingSetting_WhenOptionInvalid()
    {
        var data = TestData.Synthetic(1, 200, 2, 1);

        var error = Assert.Throws<ArgumentException>(() => new GradientBoostingTrainer(new GbdtOptions { LearningRate = 0 }).Train(data));

        Assert.Contains("LearningRate", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GradientBoostingTrainer(new GbdtOptions { MaxDepth = 13 }).Train(data));
    }

    [Fact]
    public void Train_Throws_WhenOnlyOneClass()
    {
        var schema = new TabularSchema([FeatureSpec.Numeric("x")]);
        var data = new TabularData(schema, 100, [Enumerable.Range(0, 100).Select(i => (double)i).ToArray()], [null], new int[100]);

        Assert.Throws<ArgumentException>(() => new GradientBoostingTrainer().Train(data));
    }

    [Fact]
    public void FlatScorer_MatchesNodeWalk_WhenRandomModelAndRows()
    {
        PropertyCheck.ForAllSeeds(30, seed =>
        {
            var random = new Random(seed);
            var data = TestData.Synthetic(seed, 400, 1 + random.Next(4), random.Next(4), missingRate: 0.2);
            var options = new GbdtOptions
            {
                MaxDepth = 1 + random.Next(8), MaxLeaves = 2 + random.Next(40), MinSamplesLeaf = 1 + random.Next(10),
                NumRounds = 5 + random.Next(20), EarlyStoppingRounds = 0, MaxBins = 2 + random.Next(60), Seed = seed,
            };
            var model = new GradientBoostingTrainer(options).Train(data);
            var bins = model.Bin(data);
            var margins = new double[data.RowCount];

            model.ScoreMargins(bins, margins);

            var featureCount = data.Schema.Features.Count;
            for (var r = 0; r < data.RowCount; r++)
            {
                var row = bins.Bins.AsSpan(r * featureCount, featureCount);
                var expected = model.BaseScore;
                foreach (var tree in model.Trees)
                {
                    expected += tree.Predict(row);
                }

                Assert.Equal(expected, margins[r], 12);
                Assert.Equal(margins[r], model.PredictMargin(data, r));
            }
        });
    }
}
