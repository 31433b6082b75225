using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class ScoringSchemaTests
{
    private const string TrainingCsv =
        "id,plan,usage,tickets,label\n"
        + "a1,basic,10.5,1,No\n"
        + "a2,pro,3.25,0,Yes\n"
        + "a3,basic, ,2,No\n"
        + "a4,enterprise,7,1,Yes\n";

    private static readonly Lazy<GbdtModel> Model = new(TrainSmallModel);

    [Fact]
    public void LoadForScoring_ThrowsNamingColumnAndFile_WhenFeatureColumnMissing()
    {
        var path = TestData.WriteTempCsv("id,plan,tickets\nb1,basic,1\n");
        try
        {
            var error = Assert.Throws<DataSchemaException>(() => CsvTabularReader.LoadForScoring(path, Model.Value.Schema));

            Assert.Contains("'usage'", error.Message, StringComparison.Ordinal);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadForScoring_ThrowsWithLineColumnAndValue_WhenNumericCellIsText()
    {
        var csv = "id,plan,usage,tickets\nb1,basic,1.5,1\nb2,pro,\"2,5\",1\n\nb3,pro,lots,2\n";

        var error = Assert.Throws<DataSchemaException>(() =>
            CsvTabularReader.LoadForScoring(new StringReader(csv), "score.csv", Model.Value.Schema));

        // "2,5" is a decimal comma, not an invariant number; it must fail rather than be read as 25.
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("'usage'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'2,5'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadForScoring_ReportsPhysicalLineNumber_WhenEarlierFieldSpansLines()
    {
        var csv = "id,plan,usage,tickets\n\"b1\nsecond line\",basic,1.5,1\n\nb3,pro,lots,2\n";

        var error = Assert.Throws<DataSchemaException>(() =>
            CsvTabularReader.LoadForScoring(new StringReader(csv), "score.csv", Model.Value.Schema));

        Assert.Contains("score.csv: line 5, column 'usage': value 'lots'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadForScoring_ThrowsWithLineNumber_WhenRowHasWrongFieldCount()
    {
        var csv = "id,plan,usage,tickets\nb1,basic,1.5,1\nb2,pro,1\n";

        var error = Assert.Throws<DataSchemaException>(() =>
            CsvTabularReader.LoadForScoring(new StringReader(csv), "score.csv", Model.Value.Schema));

        Assert.Contains("line 3 has 3 field(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadForScoring_ScoresUnknownCategoryAsMissingAndCountsIt_WhenCategoryUnseen()
    {
        var model = Model.Value;
        var csv = "id,plan,usage,tickets\nb1,platinum,4,1\nb2,,4,1\nb3,platinum,9,0\nb4,basic,4,1\n";

        var scoring = CsvTabularReader.LoadForScoring(new StringReader(csv), "score.csv", model.Schema);
        var probabilities = model.Score(scoring.Data);

        Assert.Equal(2, scoring.UnknownCategoryCounts["plan"]);
        Assert.Contains(scoring.Warnings, w => w.Contains("'plan'", StringComparison.Ordinal) && w.Contains("'platinum'", StringComparison.Ordinal) && w.Contains("treated as missing", StringComparison.Ordinal));
        Assert.Equal(probabilities[1], probabilities[0]);
        Assert.Null(scoring.Data.DisplayValue(0, model.Schema.IndexOf("plan")));
        Assert.Equal(["b1", "b2", "b3", "b4"], scoring.Data.Ids!);
    }

    [Fact]
    public void LoadForScoring_IgnoresAndReportsExtraColumn_WhenFileHasUnusedColumn()
    {
        var model = Model.Value;
        var plain = CsvTabularReader.LoadForScoring(new StringReader("id,plan,usage,tickets\nb1,pro,4,1\nb2,basic,,0\n"), "plain.csv", model.Schema);
        var extra = CsvTabularReader.LoadForScoring(new StringReader("region,tickets,id,usage,plan\nnorth,1,b1,4,pro\nsouth,0,b2,,basic\n"), "extra.csv", model.Schema);

        Assert.Empty(plain.Warnings);
        Assert.Contains(extra.Warnings, w => w.Contains("Ignored column", StringComparison.Ordinal) && w.Contains("'region'", StringComparison.Ordinal));
        Assert.Equal(model.Score(plain.Data), model.Score(extra.Data));
    }

    [Fact]
    public void ScoreMargins_ThrowsDataSchemaException_WhenDataHasDifferentSchema()
    {
        var model = Model.Value;
        var inferred = CsvTabularReader.Load(new StringReader("id,plan,usage,tickets,label\nb1,zeta,4,1,No\nb2,basic,1,0,Yes\n"), "other.csv", "label", "id");

        Assert.Throws<DataSchemaException>(() => model.Score(inferred));
    }

    [Fact]
    public void Load_Throws_WhenLabelColumnHasMoreThanTwoValues()
    {
        var csv = "id,x,label\n1,1,Yes\n2,2,No\n3,3,Maybe\n";

        var error = Assert.Throws<DataSchemaException>(() => CsvTabularReader.Load(new StringReader(csv), "labels.csv", "label", "id"));

        Assert.Contains("'Maybe'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRecords_ScoresLikeCsv_WhenSameValues()
    {
        var model = Model.Value;
        var csv = CsvTabularReader.LoadForScoring(new StringReader("id,plan,usage,tickets\nb1,pro,4,1\n"), "one.csv", model.Schema);
        var record = new Dictionary<string, string?> { ["id"] = "b1", ["plan"] = "pro", ["usage"] = "4", ["tickets"] = "1" };

        var data = TabularData.FromRecords(model.Schema, [record], out var warnings);

        Assert.Empty(warnings);
        Assert.Equal(model.Score(csv.Data), model.Score(data));
        Assert.Throws<DataSchemaException>(() => TabularData.FromRecords(model.Schema, [new Dictionary<string, string?> { ["plan"] = "pro" }], out _));
    }

    private static GbdtModel TrainSmallModel()
    {
        // Repeat a tiny file so the trees have enough rows to split.
        var lines = TrainingCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var body = string.Concat(Enumerable.Range(0, 50).SelectMany(i => lines.Skip(1).Select(l => $"r{i}-{l}\n")));
        var data = CsvTabularReader.Load(new StringReader(lines[0] + "\n" + body), "train.csv", "label", "id");
        Assert.Equal(FeatureKind.Categorical, data.Schema.Features[data.Schema.IndexOf("plan")].Kind);
        Assert.Equal(FeatureKind.Numeric, data.Schema.Features[data.Schema.IndexOf("usage")].Kind);
        return new GradientBoostingTrainer(new GbdtOptions { MinSamplesLeaf = 5, EarlyStoppingRounds = 0, NumRounds = 20 }).Train(data);
    }
}
