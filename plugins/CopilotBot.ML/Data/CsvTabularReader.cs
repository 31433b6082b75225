namespace CopilotBot.ML;

/// <summary>
/// Loads CSV files with a header row into <see cref="TabularData"/>. Line numbers in errors are 1-based
/// physical file lines (the header is line 1). Blank or whitespace-only cells are missing values.
/// </summary>
public static class CsvTabularReader
{
    /// <summary>
    /// Loads a training file and infers each column's kind: numeric when every non-blank cell parses as an
    /// invariant-culture number, otherwise categorical (categories sorted ordinally so codes do not depend on row order).
    /// </summary>
    /// <param name="path">CSV file path.</param>
    /// <param name="labelColumn">Binary label column.</param>
    /// <param name="idColumn">Row id column (not a feature), or null.</param>
    /// <param name="positiveLabel">Label text meaning 1; the column may hold at most one other value (meaning 0).</param>
    /// <param name="options">Type inference overrides.</param>
    /// <exception cref="DataSchemaException">Missing label/id column, malformed rows or labels.</exception>
    public static TabularData Load(string path, string labelColumn, string? idColumn, string positiveLabel = "Yes", CsvReadOptions? options = null)
    {
        using var reader = new StreamReader(path);
        return Load(reader, path, labelColumn, idColumn, positiveLabel, options);
    }

    /// <summary>Same as <see cref="Load(string, string, string?, string, CsvReadOptions?)"/> over a reader; <paramref name="sourceName"/> names it in errors.</summary>
    public static TabularData Load(TextReader reader, string sourceName, string labelColumn, string? idColumn, string positiveLabel = "Yes", CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        var (header, rows) = ReadAll(reader, sourceName);
        var labelIndex = RequireColumn(header, labelColumn, sourceName, "label");
        var idIndex = idColumn is null ? -1 : RequireColumn(header, idColumn, sourceName, "id");
        var ignored = new HashSet<string>(options?.IgnoredColumns ?? [], StringComparer.Ordinal);
        var forcedCategorical = new HashSet<string>(options?.CategoricalColumns ?? [], StringComparer.Ordinal);

        var featureColumns = new List<int>();
        var features = new List<FeatureSpec>();
        for (var c = 0; c < header.Length; c++)
        {
            if (c == labelIndex || c == idIndex || ignored.Contains(header[c]))
            {
                continue;
            }

            var allNumeric = !forcedCategorical.Contains(header[c]) && rows.All(r => TabularDataBuilder.TryParseNumber(r.Cells[c], out _));
            if (allNumeric)
            {
                features.Add(FeatureSpec.Numeric(header[c]));
            }
            else
            {
                var categories = rows
                    .Select(r => r.Cells[c]?.Trim())
                    .Where(v => !string.IsNullOrEmpty(v))
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                features.Add(FeatureSpec.Categorical(header[c], categories!));
            }

            featureColumns.Add(c);
        }

        if (features.Count == 0)
        {
            throw new DataSchemaException($"{sourceName}: no feature columns besides the label and id.");
        }

        var labelValues = rows.Select(r => r.Cells[labelIndex]?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        var negatives = labelValues.Where(v => !string.Equals(v, positiveLabel, StringComparison.OrdinalIgnoreCase)).ToList();
        if (negatives.Count > 1)
        {
            throw new DataSchemaException(
                $"{sourceName}: label column '{labelColumn}' must hold '{positiveLabel}' and one other value; found "
                + string.Join(", ", labelValues.Take(10).Select(v => $"'{v}'")) + ".");
        }

        var schema = new TabularSchema(features, labelColumn, idColumn, positiveLabel);
        var builder = new TabularDataBuilder(schema, sourceName, hasLabels: true, hasIds: idIndex >= 0);
        var cells = new string?[featureColumns.Count];
        foreach (var row in rows)
        {
            var labelText = row.Cells[labelIndex]?.Trim();
            if (string.IsNullOrEmpty(labelText))
            {
                throw new DataSchemaException($"{sourceName}: line {row.Line}, label column '{labelColumn}' is blank.");
            }

            for (var i = 0; i < featureColumns.Count; i++)
            {
                cells[i] = row.Cells[featureColumns[i]];
            }

            var label = string.Equals(labelText, positiveLabel, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            builder.AddRow(cells, label, idIndex >= 0 ? row.Cells[idIndex] : null, $"line {row.Line}");
        }

        return builder.Build();
    }

    /// <summary>
    /// Loads a file to score with a trained model's schema. A missing feature column or a non-numeric value in a
    /// numeric column throws <see cref="DataSchemaException"/>; extra columns are ignored and listed in the warnings;
    /// an unknown category is scored as missing (the trees' learned missing-value direction) and counted per column.
    /// </summary>
    /// <param name="path">CSV file path.</param>
    /// <param name="schema">The model's schema (<see cref="GbdtModel.Schema"/>).</param>
    /// <param name="idColumn">Id column; defaults to the schema's id column. If absent from the file, ids are null and a warning is added.</param>
    /// <param name="labelColumn">When given (and present), labels are read too so the scores can be evaluated.</param>
    public static ScoringData LoadForScoring(string path, TabularSchema schema, string? idColumn = null, string? labelColumn = null)
    {
        using var reader = new StreamReader(path);
        return LoadForScoring(reader, path, schema, idColumn, labelColumn);
    }

    /// <summary>Same as <see cref="LoadForScoring(string, TabularSchema, string?, string?)"/> over a reader.</summary>
    public static ScoringData LoadForScoring(TextReader reader, string sourceName, TabularSchema schema, string? idColumn = null, string? labelColumn = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(schema);
        var (header, rows) = ReadAll(reader, sourceName);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < header.Length; c++)
        {
            position[header[c]] = c;
        }

        var missing = schema.Features.Where(f => !position.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            throw new DataSchemaException(
                $"{sourceName}: missing feature column(s) the model needs: {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }

        var warnings = new List<string>();
        idColumn ??= schema.IdColumn;
        var idIndex = -1;
        if (idColumn is not null && !position.TryGetValue(idColumn, out idIndex))
        {
            idIndex = -1;
            warnings.Add($"Id column '{idColumn}' not found; rows have no ids.");
        }

        var labelIndex = -1;
        if (labelColumn is not null && !position.TryGetValue(labelColumn, out labelIndex))
        {
            labelIndex = -1;
            warnings.Add($"Label column '{labelColumn}' not found; rows have no labels.");
        }

        var known = new HashSet<string>(schema.Features.Select(f => f.Name), StringComparer.Ordinal);
        if (idColumn is not null)
        {
            known.Add(idColumn);
        }

        if (schema.LabelColumn is not null)
        {
            known.Add(schema.LabelColumn);
        }

        if (labelColumn is not null)
        {
            known.Add(labelColumn);
        }

        var extra = header.Where(h => !known.Contains(h)).ToList();
        if (extra.Count > 0)
        {
            warnings.Add($"Ignored column(s) the model does not use: {string.Join(", ", extra.Select(e => $"'{e}'"))}.");
        }

        var featureColumns = schema.Features.Select(f => position[f.Name]).ToArray();
        var builder = new TabularDataBuilder(schema, sourceName, hasLabels: labelIndex >= 0, hasIds: idIndex >= 0);
        var cells = new string?[featureColumns.Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < featureColumns.Length; i++)
            {
                cells[i] = row.Cells[featureColumns[i]];
            }

            int? label = null;
            if (labelIndex >= 0)
            {
                var text = row.Cells[labelIndex]?.Trim();
                if (string.IsNullOrEmpty(text))
                {
                    throw new DataSchemaException($"{sourceName}: line {row.Line}, label column '{labelColumn}' is blank.");
                }

                label = string.Equals(text, schema.PositiveLabel, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }

            builder.AddRow(cells, label, idIndex >= 0 ? row.Cells[idIndex] : null, $"line {row.Line}");
        }

        var data = builder.Build();
        warnings.AddRange(builder.UnknownCategoryWarnings());
        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var f = 0; f < schema.Features.Count; f++)
        {
            if (builder.UnknownCategoryCounts[f] > 0)
            {
                unknown[schema.Features[f].Name] = builder.UnknownCategoryCounts[f];
            }
        }

        return new ScoringData(data, warnings, unknown);
    }

    private static int RequireColumn(string[] header, string name, string source, string role)
    {
        var index = Array.IndexOf(header, name);
        return index >= 0 ? index : throw new DataSchemaException($"{source}: {role} column '{name}' not found in the header.");
    }

    private static (string[] Header, List<CsvRow> Rows) ReadAll(TextReader reader, string source)
    {
        var csv = new CsvRecordReader(reader, source);
        if (!csv.TryRead(out var headerRecord, out _))
        {
            throw new DataSchemaException($"{source}: the file is empty (a header row is required).");
        }

        var header = headerRecord.Select(h => h.Trim()).ToArray();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DataSchemaException($"{source}: column '{duplicate.Key}' appears more than once in the header.");
        }

        var rows = new List<CsvRow>();
        while (csv.TryRead(out var record, out var line))
        {
            if (record.Length != header.Length)
            {
                throw new DataSchemaException($"{source}: line {line} has {record.Length} field(s), the header has {header.Length}.");
            }

            rows.Add(new CsvRow(line, record));
        }

        return (header, rows);
    }

    private sealed record CsvRow(int Line, string?[] Cells);
}
