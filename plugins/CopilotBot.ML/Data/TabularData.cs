using System.Globalization;

namespace CopilotBot.ML;

/// <summary>
/// Column-major table of model inputs. Numeric columns hold doubles with NaN = missing; categorical columns
/// hold category codes (index into <see cref="FeatureSpec.Categories"/>) with -1 = missing or unknown.
/// </summary>
public sealed class TabularData
{
    private readonly double[]?[] _numeric;
    private readonly int[]?[] _categorical;
    private readonly int[]? _labels;
    private readonly string[]? _ids;

    /// <summary>Creates a table. Both column lists are indexed by feature position; the entry of the other kind is null.</summary>
    /// <param name="schema">Feature definitions.</param>
    /// <param name="rowCount">Number of rows.</param>
    /// <param name="numericColumns">One array per feature: values for numeric features, null for categorical ones.</param>
    /// <param name="categoricalColumns">One array per feature: codes for categorical features, null for numeric ones.</param>
    /// <param name="labels">Optional 0/1 labels.</param>
    /// <param name="ids">Optional row ids.</param>
    public TabularData(
        TabularSchema schema,
        int rowCount,
        IReadOnlyList<double[]?> numericColumns,
        IReadOnlyList<int[]?> categoricalColumns,
        int[]? labels = null,
        string[]? ids = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var featureCount = schema.Features.Count;
        if (numericColumns.Count != featureCount || categoricalColumns.Count != featureCount)
        {
            throw new ArgumentException($"Expected {featureCount} column entries (one per feature).");
        }

        _numeric = new double[]?[featureCount];
        _categorical = new int[]?[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var spec = schema.Features[f];
            if (spec.Kind == FeatureKind.Numeric)
            {
                var column = numericColumns[f] ?? throw new ArgumentException($"Numeric feature '{spec.Name}' has no values.");
                if (column.Length != rowCount)
                {
                    throw new ArgumentException($"Feature '{spec.Name}' has {column.Length} values, expected {rowCount}.");
                }

                _numeric[f] = column;
            }
            else
            {
                var column = categoricalColumns[f] ?? throw new ArgumentException($"Categorical feature '{spec.Name}' has no codes.");
                if (column.Length != rowCount)
                {
                    throw new ArgumentException($"Feature '{spec.Name}' has {column.Length} values, expected {rowCount}.");
                }

                foreach (var code in column)
                {
                    if (code < -1 || code >= spec.Categories.Count)
                    {
                        throw new ArgumentException($"Feature '{spec.Name}' has category code {code} outside [-1, {spec.Categories.Count}).");
                    }
                }

                _categorical[f] = column;
            }
        }

        if (labels is not null)
        {
            if (labels.Length != rowCount)
            {
                throw new ArgumentException($"Got {labels.Length} labels, expected {rowCount}.");
            }

            if (labels.Any(l => l is not (0 or 1)))
            {
                throw new ArgumentException("Labels must be 0 or 1.");
            }
        }

        if (ids is not null && ids.Length != rowCount)
        {
            throw new ArgumentException($"Got {ids.Length} ids, expected {rowCount}.");
        }

        Schema = schema;
        RowCount = rowCount;
        _labels = labels;
        _ids = ids;
    }

    /// <summary>Feature definitions.</summary>
    public TabularSchema Schema { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>True when 0/1 labels are present.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>0/1 labels (empty when <see cref="HasLabels"/> is false).</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Row ids, or null when the source had no id column.</summary>
    public IReadOnlyList<string>? Ids => _ids;

    /// <summary>Values of numeric feature <paramref name="feature"/> (NaN = missing).</summary>
    public ReadOnlySpan<double> NumericColumn(int feature) =>
        _numeric[feature] ?? throw new InvalidOperationException($"Feature '{Schema.Features[feature].Name}' is not numeric.");

    /// <summary>Codes of categorical feature <paramref name="feature"/> (-1 = missing or unknown).</summary>
    public ReadOnlySpan<int> CategoricalColumn(int feature) =>
        _categorical[feature] ?? throw new InvalidOperationException($"Feature '{Schema.Features[feature].Name}' is not categorical.");

    /// <summary>The cell as text: the number (invariant culture) or category name; null when missing.</summary>
    public string? DisplayValue(int row, int feature)
    {
        if (_numeric[feature] is { } numeric)
        {
            var value = numeric[row];
            return double.IsNaN(value) ? null : value.ToString("R", CultureInfo.InvariantCulture);
        }

        var code = _categorical[feature]![row];
        return code < 0 ? null : Schema.Features[feature].Categories[code];
    }

    /// <summary>The numeric cell value, or null for missing values and categorical features.</summary>
    public double? NumericValue(int row, int feature) =>
        _numeric[feature] is { } numeric && !double.IsNaN(numeric[row]) ? numeric[row] : null;

    /// <summary>Returns a new table holding the given rows (in the given order).</summary>
    public TabularData Subset(ReadOnlySpan<int> rows)
    {
        var featureCount = Schema.Features.Count;
        var numeric = new double[]?[featureCount];
        var categorical = new int[]?[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            if (_numeric[f] is { } source)
            {
                var target = new double[rows.Length];
                for (var i = 0; i < rows.Length; i++)
                {
                    target[i] = source[rows[i]];
                }

                numeric[f] = target;
            }
            else
            {
                var codes = _categorical[f]!;
                var target = new int[rows.Length];
                for (var i = 0; i < rows.Length; i++)
                {
                    target[i] = codes[rows[i]];
                }

                categorical[f] = target;
            }
        }

        int[]? labels = null;
        if (_labels is not null)
        {
            labels = new int[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                labels[i] = _labels[rows[i]];
            }
        }

        string[]? ids = null;
        if (_ids is not null)
        {
            ids = new string[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                ids[i] = _ids[rows[i]];
            }
        }

        return new TabularData(Schema, rows.Length, numeric, categorical, labels, ids);
    }

    /// <summary>Builds a table from text records (column name → cell text) validated like a scoring CSV.</summary>
    /// <param name="schema">The model's schema.</param>
    /// <param name="records">Rows; each must contain every feature column. Other keys are ignored.</param>
    /// <param name="warnings">Unknown-category fallbacks, one line per column.</param>
    /// <exception cref="DataSchemaException">A feature column is missing from a record or a numeric cell is not a number.</exception>
    public static TabularData FromRecords(
        TabularSchema schema,
        IEnumerable<IReadOnlyDictionary<string, string?>> records,
        out IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builder = new TabularDataBuilder(schema, "records", hasLabels: false, hasIds: schema.IdColumn is not null);
        var index = 0;
        var cells = new string?[schema.Features.Count];
        foreach (var record in records)
        {
            index++;
            var missing = schema.Features.Where(f => !record.ContainsKey(f.Name)).Select(f => f.Name).ToList();
            if (missing.Count > 0)
            {
                throw new DataSchemaException($"Record {index} is missing feature(s): {string.Join(", ", missing)}.");
            }

            for (var f = 0; f < cells.Length; f++)
            {
                cells[f] = record[schema.Features[f].Name];
            }

            string? id = null;
            if (schema.IdColumn is not null)
            {
                record.TryGetValue(schema.IdColumn, out id);
            }

            builder.AddRow(cells, label: null, id ?? index.ToString(CultureInfo.InvariantCulture), $"record {index}");
        }

        var data = builder.Build();
        warnings = builder.UnknownCategoryWarnings();
        return data;
    }
}
