using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

/// <summary>Locates the Telco fixture and builds small synthetic tables.</summary>
internal static class TestData
{
    private static readonly Lazy<TabularData> LazyTelco = new(() =>
        CsvTabularReader.Load(TelcoPath, "Churn", "customerID", "Yes"));

    /// <summary>A subset of the Telco file in the repository (tests/Fixtures; the full file is for the churn bench).</summary>
    public static string TelcoPath => Fixtures.Path("telco-churn-sample.csv");

    /// <summary>The Telco training file (loaded once per test run; the table is immutable).</summary>
    public static TabularData Telco => LazyTelco.Value;

    /// <summary>
    /// Random table: <paramref name="numeric"/> numeric features (some missing) and <paramref name="categorical"/>
    /// categorical ones; the label depends on a few of them plus noise.
    /// </summary>
    public static TabularData Synthetic(int seed, int rows, int numeric, int categorical, double missingRate = 0.1)
    {
        var random = new Random(seed);
        var features = new List<FeatureSpec>();
        var numericColumns = new List<double[]?>();
        var categoricalColumns = new List<int[]?>();
        var score = new double[rows];
        for (var f = 0; f < numeric; f++)
        {
            features.Add(FeatureSpec.Numeric($"x{f}"));
            var column = new double[rows];
            var weight = random.NextDouble() * 2 - 1;
            for (var r = 0; r < rows; r++)
            {
                var value = Math.Round(random.NextDouble() * 10, 1);
                column[r] = random.NextDouble() < missingRate ? double.NaN : value;
                score[r] += double.IsNaN(column[r]) ? 1 : weight * (value - 5) / 2;
            }

            numericColumns.Add(column);
            categoricalColumns.Add(null);
        }

        for (var f = 0; f < categorical; f++)
        {
            var categoryCount = 2 + random.Next(5);
            features.Add(FeatureSpec.Categorical($"c{f}", Enumerable.Range(0, categoryCount).Select(c => $"cat{c}").ToList()));
            var effects = Enumerable.Range(0, categoryCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var column = new int[rows];
            for (var r = 0; r < rows; r++)
            {
                column[r] = random.NextDouble() < missingRate ? -1 : random.Next(categoryCount);
                score[r] += column[r] < 0 ? -0.5 : effects[column[r]];
            }

            numericColumns.Add(null);
            categoricalColumns.Add(column);
        }

        var labels = score.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-s)) ? 1 : 0).ToArray();
        if (labels.All(l => l == labels[0]))
        {
            labels[0] = 1 - labels[0];
        }

        var ids = Enumerable.Range(0, rows).Select(i => $"row{i}").ToArray();
        return new TabularData(new TabularSchema(features, "label", "id"), rows, numericColumns, categoricalColumns, labels, ids);
    }

    public static string WriteTempCsv(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"copilotbot-ml-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }
}
