using System.Globalization;
using System.Text.Json;

namespace CopilotBot.Workspace.Import;

/// <summary>Reads CSV (with a header) or JSON Lines into <see cref="SourceRow"/>s, reporting unreadable lines.</summary>
public static class RowReader
{
    public enum Format
    {
        Csv,
        JsonLines,
    }

    public static Format Detect(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".jsonl" or ".ndjson" or ".json")
        {
            return Format.JsonLines;
        }

        if (ext is ".csv" or ".tsv" or ".txt")
        {
            return Format.Csv;
        }

        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c == '{' ? Format.JsonLines : Format.Csv;
    }

    /// <summary>Reads the file's header (CSV) or the keys of its first object (JSONL), normalised.</summary>
    public static IReadOnlyList<string> Columns(string path)
    {
        foreach (Item item in Read(path))
        {
            if (item.Header is { } header)
            {
                return header;
            }

            if (item.Row is { } row)
            {
                return row.Fields.Keys.ToList();
            }
        }

        return [];
    }

    /// <summary>A row, a line that could not be read at all, or (first, for CSV) the header.</summary>
    public sealed record Item(SourceRow? Row, ImportRowError? Error, IReadOnlyList<string>? Header, double Fraction);

    public static IEnumerable<Item> Read(string path, CancellationToken cancellationToken = default) =>
        Detect(path) == Format.JsonLines ? ReadJsonLines(path, cancellationToken) : ReadCsv(path, cancellationToken);

    private static IEnumerable<Item> ReadCsv(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var text = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var peekable = new PeekableReader(text);
        var csv = new CsvRecordReader(peekable);
        List<string>? header = csv.Read(out _);
        if (header is null || header.All(string.IsNullOrWhiteSpace))
        {
            yield break;
        }

        string[] names = header.Select(SourceRow.Normalize).ToArray();
        yield return new Item(null, null, names, 0);
        double length = Math.Max(1, stream.Length);
        List<string>? record;
        while ((record = csv.Read(out int line)) is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Count == 1 && string.IsNullOrWhiteSpace(record[0]))
            {
                continue;
            }

            if (record.Count > names.Length)
            {
                yield return new Item(null, new ImportRowError(line, $"has {record.Count} fields but the header has {names.Length}"), null, stream.Position / length);
                continue;
            }

            var fields = new Dictionary<string, string?>(names.Length);
            for (int i = 0; i < names.Length; i++)
            {
                fields[names[i]] = i < record.Count ? record[i] : null;
            }

            yield return new Item(new SourceRow(line, fields, null), null, null, stream.Position / length);
        }
    }

    private static IEnumerable<Item> ReadJsonLines(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new StreamReader(stream);
        double length = Math.Max(1, stream.Length);
        int line = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonElement root;
            string? error = null;
            try
            {
                using var doc = JsonDocument.Parse(text);
                root = doc.RootElement.Clone();
                if (root.ValueKind != JsonValueKind.Object)
                {
                    error = "is not a JSON object";
                }
            }
            catch (JsonException ex)
            {
                root = default;
                error = "is not valid JSON (" + ex.Message.Split('.')[0] + ")";
            }

            if (error is not null)
            {
                yield return new Item(null, new ImportRowError(line, error), null, stream.Position / length);
                continue;
            }

            var fields = new Dictionary<string, string?>();
            foreach (JsonProperty p in root.EnumerateObject())
            {
                fields[SourceRow.Normalize(p.Name)] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                    _ => p.Value.GetRawText(),
                };
            }

            yield return new Item(new SourceRow(line, fields, root), null, null, stream.Position / length);
        }
    }
}
