namespace CopilotBot.ML;

/// <summary>
/// A trained gradient-boosted tree model for binary classification. Thread-safe for scoring and explaining.
/// Inputs must use this model's <see cref="Schema"/> (load scoring files with
/// <see cref="CsvTabularReader.LoadForScoring(string, TabularSchema, string?, string?)"/>); data built with a
/// different schema is rejected rather than scored with mismatched category codes.
/// </summary>
public sealed class GbdtModel
{
    /// <summary>The <c>format</c> value in model JSON.</summary>
    public const string FormatName = "copilotbot-gbdt";

    /// <summary>The JSON format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const int ScoringChunkRows = 4096;

    private readonly RegressionTree[] _trees;
    private readonly FlatForest _forest;
    private readonly int _maxDepth;
    private TabularSchema? _lastCheckedSchema;

    internal GbdtModel(
        TabularSchema schema,
        FeatureBinner binner,
        double baseScore,
        RegressionTree[] trees,
        GbdtOptions options,
        TrainingSummary summary,
        ProbabilityCalibrator? calibrator)
    {
        Schema = schema;
        Binner = binner;
        BaseScore = baseScore;
        _trees = trees;
        Options = options;
        Summary = summary;
        Calibrator = calibrator;
        _forest = FlatForest.Compile(trees, binner.FeatureCount, baseScore);
        _maxDepth = trees.Length == 0 ? 0 : trees.Max(t => t.Depth);
        ExpectedValue = baseScore + trees.Sum(t => t.ExpectedValue());
    }

    /// <summary>Feature columns (and label/id names) the model was trained with.</summary>
    public TabularSchema Schema { get; }

    /// <summary>Initial margin: log-odds of the training positive rate.</summary>
    public double BaseScore { get; }

    /// <summary>Margin when no feature is known; the baseline of every explanation.</summary>
    public double ExpectedValue { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _trees.Length;

    /// <summary>Hyperparameters used for training.</summary>
    public GbdtOptions Options { get; }

    /// <summary>Rounds trained, trees kept, early-stopping details.</summary>
    public TrainingSummary Summary { get; }

    /// <summary>Optional margin → probability calibration applied by <see cref="PredictProbability"/> and <see cref="Score(TabularData, Span{double})"/>.</summary>
    public ProbabilityCalibrator? Calibrator { get; }

    internal FeatureBinner Binner { get; }

    internal IReadOnlyList<RegressionTree> Trees => _trees;

    /// <summary>Returns a copy of this model that applies <paramref name="calibrator"/> (null removes calibration).</summary>
    public GbdtModel WithCalibrator(ProbabilityCalibrator? calibrator) =>
        new(Schema, Binner, BaseScore, _trees, Options, Summary, calibrator);

    /// <summary>Raw margin (log-odds before calibration) of one row.</summary>
    public double PredictMargin(TabularData data, int row)
    {
        CheckSchema(data);
        Span<byte> bins = stackalloc byte[Binner.FeatureCount];
        Binner.BinRow(data, row, bins);
        return _forest.PredictRow(bins);
    }

    /// <summary>Probability of class 1 for one row (calibrated when a calibrator is attached).</summary>
    public double PredictProbability(TabularData data, int row) => ToProbability(PredictMargin(data, row));

    /// <summary>Maps a margin to a probability: calibrator if attached, otherwise sigmoid.</summary>
    public double ToProbability(double margin) =>
        Calibrator?.Calibrate(margin) ?? GradientBoostingTrainer.Sigmoid(margin);

    /// <summary>Raw margins of every row.</summary>
    public void ScoreMargins(TabularData data, Span<double> margins)
    {
        CheckSchema(data);
        if (margins.Length != data.RowCount)
        {
            throw new ArgumentException($"Output has {margins.Length} slots for {data.RowCount} rows.", nameof(margins));
        }

        var featureCount = Binner.FeatureCount;
        var buffer = new byte[Math.Min(ScoringChunkRows, Math.Max(1, data.RowCount)) * featureCount];
        for (var start = 0; start < data.RowCount; start += ScoringChunkRows)
        {
            var count = Math.Min(ScoringChunkRows, data.RowCount - start);
            var bins = buffer.AsSpan(0, count * featureCount);
            Binner.BinRowMajor(data, start, count, bins);
            _forest.Predict(bins, margins.Slice(start, count));
        }
    }

    /// <summary>Probabilities (calibrated when a calibrator is attached) of every row.</summary>
    public void Score(TabularData data, Span<double> probabilities)
    {
        ScoreMargins(data, probabilities);
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = ToProbability(probabilities[i]);
        }
    }

    /// <summary>Probabilities of every row, as a new array.</summary>
    public double[] Score(TabularData data)
    {
        var output = new double[data.RowCount];
        Score(data, output);
        return output;
    }

    /// <summary>Maps rows to this model's bins once, for repeated or high-throughput scoring.</summary>
    public BinnedRows Bin(TabularData data)
    {
        CheckSchema(data);
        return new BinnedRows(Binner.BinRowMajor(data), data.RowCount, Binner.FeatureCount);
    }

    /// <summary>Raw margins of pre-binned rows (the fast path: no parsing, no binary searches).</summary>
    public void ScoreMargins(BinnedRows rows, Span<double> margins)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.FeatureCount != Binner.FeatureCount)
        {
            throw new ArgumentException($"Rows have {rows.FeatureCount} features, the model {Binner.FeatureCount}.", nameof(rows));
        }

        if (margins.Length != rows.RowCount)
        {
            throw new ArgumentException($"Output has {margins.Length} slots for {rows.RowCount} rows.", nameof(margins));
        }

        _forest.Predict(rows.Bins, margins);
    }

    /// <summary>
    /// Exact TreeSHAP explanation of one row: per-feature contributions in log-odds that sum with
    /// <see cref="ExpectedValue"/> to the row's margin. Missing values and unknown categories follow the
    /// trees' learned missing-value branches, and are explained like any other value.
    /// </summary>
    public PredictionExplanation Explain(TabularData data, int row)
    {
        CheckSchema(data);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, data.RowCount);
        var featureCount = Binner.FeatureCount;
        var bins = new byte[featureCount];
        Binner.BinRow(data, row, bins);
        var phi = ExplainBinned(bins);
        var margin = _forest.PredictRow(bins);
        var contributions = new FeatureContribution[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var spec = Schema.Features[f];
            contributions[f] = new FeatureContribution(spec.Name, spec.Kind, data.DisplayValue(row, f), data.NumericValue(row, f), phi[f]);
        }

        return new PredictionExplanation(ExpectedValue, margin, GradientBoostingTrainer.Sigmoid(margin), ToProbability(margin), contributions);
    }

    /// <summary>Total split gain and split count per feature, in schema order.</summary>
    public IReadOnlyList<FeatureImportance> FeatureImportances()
    {
        var gain = new double[Schema.Features.Count];
        var splits = new int[Schema.Features.Count];
        foreach (var tree in _trees)
        {
            foreach (var node in tree.Nodes)
            {
                if (!node.IsLeaf)
                {
                    gain[node.Feature] += node.Gain;
                    splits[node.Feature]++;
                }
            }
        }

        return Schema.Features.Select((f, i) => new FeatureImportance(f.Name, gain[i], splits[i])).ToArray();
    }

    /// <summary>Serializes the model (format <see cref="FormatName"/>, version <see cref="FormatVersion"/>); doubles round-trip exactly.</summary>
    public string ToJson() => ModelJson.Serialize(this);

    /// <summary>Reads a model written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Not a model of this format, an unsupported version, or inconsistent content.</exception>
    public static GbdtModel FromJson(string json) => ModelJson.Deserialize(json);

    /// <summary>Writes <see cref="ToJson"/> to a file.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a model file.</summary>
    /// <exception cref="InvalidDataException">Not a model of this format, an unsupported version, or inconsistent content.</exception>
    public static GbdtModel Load(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    internal double[] ExplainBinned(ReadOnlySpan<byte> bins)
    {
        var phi = new double[Binner.FeatureCount];
        var buffer = new TreeShap.PathElement[TreeShap.PathBufferSize(_maxDepth)];
        foreach (var tree in _trees)
        {
            TreeShap.AddContributions(tree, bins, phi, buffer);
        }

        return phi;
    }

    internal double PredictBinned(ReadOnlySpan<byte> bins) => _forest.PredictRow(bins);

    private void CheckSchema(TabularData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (ReferenceEquals(data.Schema, Schema) || ReferenceEquals(data.Schema, _lastCheckedSchema))
        {
            return;
        }

        if (!data.Schema.IsEquivalentTo(Schema))
        {
            throw new DataSchemaException(
                "The data's schema differs from the model's (feature names, kinds or category lists). Load scoring data with "
                + "CsvTabularReader.LoadForScoring(path, model.Schema) so category codes match the model.");
        }

        _lastCheckedSchema = data.Schema;
    }
}
