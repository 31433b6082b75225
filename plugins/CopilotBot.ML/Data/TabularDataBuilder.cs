using System.Globalization;

namespace CopilotBot.ML;

/// <summary>Turns text cells into a <see cref="TabularData"/> for a fixed schema, with located error messages.</summary>
internal sealed class TabularDataBuilder
{
    private const int MaxExamplesPerColumn = 5;

    private readonly TabularSchema _schema;
    private readonly string _source;
    private readonly List<double>?[] _numeric;
    private readonly List<int>?[] _categorical;
    private readonly Dictionary<string, int>?[] _categoryCodes;
    private readonly List<int>? _labels;
    private readonly List<string>? _ids;
    private readonly int[] _unknownCounts;
    private readonly List<string>?[] _unknownExamples;
    private int _rowCount;

    public TabularDataBuilder(TabularSchema schema, string source, bool hasLabels, bool hasIds)
    {
        _schema = schema;
        _source = source;
        var featureCount = schema.Features.Count;
        _numeric = new List<double>?[featureCount];
        _categorical = new List<int>?[featureCount];
        _categoryCodes = new Dictionary<string, int>?[featureCount];
        _unknownCounts = new int[featureCount];
        _unknownExamples = new List<string>?[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var spec = schema.Features[f];
            if (spec.Kind == FeatureKind.Numeric)
            {
                _numeric[f] = [];
            }
            else
            {
                _categorical[f] = [];
                var codes = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var c = 0; c < spec.Categories.Count; c++)
                {
                    codes.TryAdd(spec.Categories[c], c);
                }

                _categoryCodes[f] = codes;
            }
        }

        _labels = hasLabels ? [] : null;
        _ids = hasIds ? [] : null;
    }

    /// <summary>Parses a numeric cell: blank or whitespace is missing; anything else must be an invariant-culture number.</summary>
    public static bool TryParseNumber(string? text, out double value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && !double.IsNaN(value);
    }

    /// <summary>Adds one row. <paramref name="cells"/> is in feature order; <paramref name="location"/> names the row in errors.</summary>
    public void AddRow(ReadOnlySpan<string?> cells, int? label, string? id, string location)
    {
        for (var f = 0; f < cells.Length; f++)
        {
            var text = cells[f];
            if (_numeric[f] is { } numeric)
            {
                if (!TryParseNumber(text, out var value))
                {
                    throw new DataSchemaException(
                        $"{_source}: {location}, column '{_schema.Features[f].Name}': value '{text}' is not a number "
                        + "(numeric columns accept invariant-culture numbers or a blank cell for missing).");
                }

                numeric.Add(value);
            }
            else
            {
                var trimmed = text?.Trim();
                int code;
                if (string.IsNullOrEmpty(trimmed))
                {
                    code = -1;
                }
                else if (!_categoryCodes[f]!.TryGetValue(trimmed, out code))
                {
                    // Documented fallback: an unseen category is scored as missing (the trees' learned
                    // missing-value direction) and reported, rather than failing the whole file.
                    code = -1;
                    _unknownCounts[f]++;
                    var examples = _unknownExamples[f] ??= [];
                    if (examples.Count < MaxExamplesPerColumn && !examples.Contains(trimmed))
                    {
                        examples.Add(trimmed);
                    }
                }

                _categorical[f]!.Add(code);
            }
        }

        if (_labels is not null)
        {
            _labels.Add(label ?? throw new ArgumentNullException(nameof(label)));
        }

        _ids?.Add(id ?? string.Empty);
        _rowCount++;
    }

    /// <summary>Number of unknown-category cells per feature (index = feature position).</summary>
    public IReadOnlyList<int> UnknownCategoryCounts => _unknownCounts;

    public List<string> UnknownCategoryWarnings()
    {
        var warnings = new List<string>();
        for (var f = 0; f < _unknownCounts.Length; f++)
        {
            if (_unknownCounts[f] > 0)
            {
                warnings.Add(
                    $"Column '{_schema.Features[f].Name}': {_unknownCounts[f]} value(s) with unknown categories "
                    + $"({string.Join(", ", _unknownExamples[f]!.Select(e => $"'{e}'"))}) were treated as missing.");
            }
        }

        return warnings;
    }

    public TabularData Build() =>
        new(
            _schema,
            _rowCount,
            _numeric.Select(c => c?.ToArray()).ToArray(),
            _categorical.Select(c => c?.ToArray()).ToArray(),
            _labels?.ToArray(),
            _ids?.ToArray());
}
