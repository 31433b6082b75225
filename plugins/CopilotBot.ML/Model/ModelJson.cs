using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotBot.ML;

/// <summary>
/// JSON form of <see cref="GbdtModel"/>. Trees are stored column-wise (one array per node field) to keep files
/// compact; System.Text.Json writes doubles in shortest round-trip form, so a save/load cycle is exact.
/// </summary>
internal static class ModelJson
{
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(GbdtModel model)
    {
        var binner = model.Binner;
        var document = new ModelDocument(
            GbdtModel.FormatName,
            GbdtModel.FormatVersion,
            new SchemaDocument(
                model.Schema.Features.Select(f => new FeatureDocument(f.Name, f.Kind, f.Kind == FeatureKind.Categorical ? [.. f.Categories] : null)).ToList(),
                model.Schema.LabelColumn,
                model.Schema.IdColumn,
                model.Schema.PositiveLabel),
            Enumerable.Range(0, binner.FeatureCount)
                .Select(f => new BinningDocument(binner.BinCounts[f], binner.NumericCuts[f], binner.CategoryBins[f]))
                .ToList(),
            model.BaseScore,
            model.Options,
            model.Summary,
            model.Calibrator is { } c
                ? new CalibratorDocument(c.Method, c.PlattA, c.PlattB, c.Method == CalibrationMethod.Isotonic ? [.. c.IsotonicMargins] : null, c.Method == CalibrationMethod.Isotonic ? [.. c.IsotonicProbabilities] : null)
                : null,
            model.Trees.Select(ToDocument).ToList());
        return JsonSerializer.Serialize(document, SerializerOptions);
    }

    public static GbdtModel Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelDocument? document;
        try
        {
            using (var probe = JsonDocument.Parse(json))
            {
                var root = probe.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("format", out var format)
                    || format.ValueKind != JsonValueKind.String
                    || format.GetString() != GbdtModel.FormatName)
                {
                    throw new InvalidDataException($"Not a CopilotBot GBDT model: expected \"format\": \"{GbdtModel.FormatName}\".");
                }

                if (!root.TryGetProperty("formatVersion", out var version) || !version.TryGetInt32(out var v))
                {
                    throw new InvalidDataException("Model JSON has no integer \"formatVersion\".");
                }

                if (v != GbdtModel.FormatVersion)
                {
                    throw new InvalidDataException(
                        $"Model format version {v} is not supported (this library reads version {GbdtModel.FormatVersion}); retrain or upgrade.");
                }
            }

            document = JsonSerializer.Deserialize<ModelDocument>(json, SerializerOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model JSON is malformed: {ex.Message}", ex);
        }

        if (document is null)
        {
            throw new InvalidDataException("Model JSON is empty.");
        }

        try
        {
            return Restore(document);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or NullReferenceException or NotSupportedException)
        {
            throw new InvalidDataException($"Model JSON is inconsistent: {ex.Message}", ex);
        }
    }

    private static GbdtModel Restore(ModelDocument document)
    {
        var features = document.Schema?.Features ?? throw new InvalidDataException("Model JSON has no schema.");
        var specs = features
            .Select(f => f.Kind == FeatureKind.Numeric ? FeatureSpec.Numeric(f.Name) : FeatureSpec.Categorical(f.Name, f.Categories ?? []))
            .ToList();
        var schema = new TabularSchema(specs, document.Schema.LabelColumn, document.Schema.IdColumn, document.Schema.PositiveLabel ?? "Yes");
        var featureCount = specs.Count;
        if (document.Binning is null || document.Binning.Count != featureCount)
        {
            throw new InvalidDataException("Model binning does not match the feature list.");
        }

        var kinds = specs.Select(s => s.Kind).ToArray();
        var cuts = new double[]?[featureCount];
        var categoryBins = new int[]?[featureCount];
        var binCounts = new int[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var binning = document.Binning[f];
            binCounts[f] = binning.BinCount;
            if (binning.BinCount is < 1 or > 256)
            {
                throw new InvalidDataException($"Feature '{specs[f].Name}' has {binning.BinCount} bins (1–256 allowed).");
            }

            if (kinds[f] == FeatureKind.Numeric)
            {
                var c = binning.Cuts ?? throw new InvalidDataException($"Numeric feature '{specs[f].Name}' has no cut points.");
                if (c.Length + 2 != binning.BinCount || c.Zip(c.Skip(1)).Any(p => !(p.First < p.Second)))
                {
                    throw new InvalidDataException($"Feature '{specs[f].Name}' has inconsistent cut points.");
                }

                cuts[f] = c;
            }
            else
            {
                var b = binning.CategoryBins ?? throw new InvalidDataException($"Categorical feature '{specs[f].Name}' has no category bins.");
                if (b.Length != specs[f].Categories.Count || b.Any(x => x < 0 || x >= binning.BinCount))
                {
                    throw new InvalidDataException($"Feature '{specs[f].Name}' has inconsistent category bins.");
                }

                categoryBins[f] = b;
            }
        }

        var binner = new FeatureBinner(kinds, cuts, categoryBins, binCounts);
        var trees = (document.Trees ?? []).Select(t => FromDocument(t, kinds, binCounts)).ToArray();
        ProbabilityCalibrator? calibrator = null;
        if (document.Calibration is { } cal)
        {
            calibrator = ProbabilityCalibrator.Restore(cal.Method, cal.A, cal.B, cal.Margins ?? [], cal.Probabilities ?? []);
        }

        return new GbdtModel(
            schema,
            binner,
            document.BaseScore,
            trees,
            document.Options ?? new GbdtOptions(),
            document.Summary ?? new TrainingSummary(trees.Length, trees.Length, false, 0, 0, null),
            calibrator);
    }

    private static TreeDocument ToDocument(RegressionTree tree)
    {
        var nodes = tree.Nodes;
        return new TreeDocument(
            nodes.Select(n => n.Feature).ToArray(),
            nodes.Select(n => n.Threshold).ToArray(),
            nodes.Select(n => n.MissingRight).ToArray(),
            nodes.Select(n => n.CategoryRight is { } mask ? MaskToBins(mask) : null).ToArray(),
            nodes.Select(n => n.Left).ToArray(),
            nodes.Select(n => n.Right).ToArray(),
            nodes.Select(n => n.Value).ToArray(),
            nodes.Select(n => n.Cover).ToArray(),
            nodes.Select(n => n.Gain).ToArray());
    }

    private static RegressionTree FromDocument(TreeDocument tree, FeatureKind[] kinds, int[] binCounts)
    {
        var count = tree.Feature?.Length ?? 0;
        if (count == 0 || tree.Threshold?.Length != count || tree.MissingRight?.Length != count || tree.CategoryRight?.Length != count
            || tree.Left?.Length != count || tree.Right?.Length != count || tree.Value?.Length != count || tree.Cover?.Length != count
            || tree.Gain?.Length != count)
        {
            throw new InvalidDataException("A tree's node arrays are missing or of different lengths.");
        }

        var nodes = new TreeNode[count];
        for (var i = 0; i < count; i++)
        {
            var feature = tree.Feature![i];
            if (feature < 0)
            {
                nodes[i] = TreeNode.Leaf(tree.Value![i], tree.Cover![i]);
                continue;
            }

            if (feature >= kinds.Length || tree.Left![i] <= i || tree.Left[i] >= count || tree.Right![i] <= i || tree.Right[i] >= count)
            {
                throw new InvalidDataException($"Tree node {i} references a feature or child that does not exist.");
            }

            ulong[]? mask = null;
            if (kinds[feature] == FeatureKind.Categorical)
            {
                var bins = tree.CategoryRight![i] ?? throw new InvalidDataException($"Tree node {i} splits a categorical feature without a category set.");
                mask = new ulong[4];
                foreach (var bin in bins)
                {
                    if (bin is < 0 or > 255)
                    {
                        throw new InvalidDataException($"Tree node {i} has category bin {bin} outside 0–255.");
                    }

                    mask[bin >> 6] |= 1UL << (bin & 63);
                }
            }
            else if (tree.Threshold![i] < 0 || tree.Threshold[i] >= binCounts[feature])
            {
                throw new InvalidDataException($"Tree node {i} has threshold bin {tree.Threshold[i]} outside the feature's bins.");
            }

            nodes[i] = new TreeNode(feature, tree.Threshold![i], tree.MissingRight![i], mask, tree.Left[i], tree.Right[i], tree.Value![i], tree.Cover![i], tree.Gain![i]);
        }

        return new RegressionTree(nodes);
    }

    private static int[] MaskToBins(ulong[] mask)
    {
        var bins = new List<int>();
        for (var b = 0; b < 256; b++)
        {
            if (((mask[b >> 6] >> (b & 63)) & 1) != 0)
            {
                bins.Add(b);
            }
        }

        return [.. bins];
    }

    private sealed record ModelDocument(
        string Format,
        int FormatVersion,
        SchemaDocument Schema,
        List<BinningDocument> Binning,
        double BaseScore,
        GbdtOptions Options,
        TrainingSummary Summary,
        CalibratorDocument? Calibration,
        List<TreeDocument> Trees);

    private sealed record SchemaDocument(List<FeatureDocument> Features, string? LabelColumn, string? IdColumn, string PositiveLabel);

    private sealed record FeatureDocument(string Name, FeatureKind Kind, List<string>? Categories);

    private sealed record BinningDocument(int BinCount, double[]? Cuts, int[]? CategoryBins);

    private sealed record CalibratorDocument(CalibrationMethod Method, double A, double B, double[]? Margins, double[]? Probabilities);

    // Category sets are written as the list of bins that go right; null for numeric splits and leaves.
    private sealed record TreeDocument(
        int[] Feature,
        int[] Threshold,
        bool[] MissingRight,
        int[]?[] CategoryRight,
        int[] Left,
        int[] Right,
        double[] Value,
        double[] Cover,
        double[] Gain);
}
