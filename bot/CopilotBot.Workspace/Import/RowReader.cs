using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;
using System.Text.Unicode;

namespace CopilotBot.Workspace.Import;

/// <summary>
/// Reads CSV (with a header; parsed by CsvHelper) or JSON Lines into <see cref="SourceRow"/>s, reporting unreadable
/// lines by the line they start on. Bytes that are not valid UTF-8 make their row unreadable: they are never stored as
/// replacement characters.
/// </summary>
public static partial class RowReader
{
    /// <summary>What a byte that is not UTF-8 decodes to; a row holding it is refused.</summary>
    private const char Invalid = '\uFFFD';

    private const string NotUtf8 = "contains bytes that are not valid UTF-8 (save the file as UTF-8 and import it again)";

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

    /// <summary>
    /// A row, a line that could not be read (<see cref="Error"/>; <see cref="Row"/> then holds what could be read of it,
    /// if anything, so a conversation it belongs to can be skipped whole), or (first, for CSV) the header.
    /// </summary>
    public sealed record Item(SourceRow? Row, ImportRowError? Error, IReadOnlyList<string>? Header, double Fraction);

    public static IEnumerable<Item> Read(string path, CancellationToken cancellationToken = default) =>
        Detect(path) == Format.JsonLines ? ReadJsonLines(path, cancellationToken) : ReadCsv(path, cancellationToken);

    private static StreamReader OpenText(FileStream stream) =>
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);

    private static IEnumerable<Item> ReadCsv(string path, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = DetectDelimiter(path),
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
        };
        long length = Math.Max(1, new FileInfo(path).Length);
        using CsvReader csv = CsvReader.FromFile(path, options);
        IReadOnlyList<string> header = csv.Headers;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            yield break;
        }

        string[] names = header.Select(SourceRow.Normalize).ToArray();
        yield return new Item(null, null, names, 0);
        while (csv.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            int line = (int)csv.LineNumber;
            int count = csv.FieldCount;
            if (count == 0 || (count == 1 && string.IsNullOrWhiteSpace(csv.GetString(0))))
            {
                continue;
            }

            // CsvHelper reads bytes; a field that is not valid UTF-8 is refused here rather than decoded to U+FFFD.
            bool utf8 = Utf8.IsValid(csv.RawRecord);
            var fields = new Dictionary<string, string?>(names.Length);
            for (int i = 0; i < names.Length; i++)
            {
                fields[names[i]] = i < count ? csv.GetString(i) : null;
            }

            var row = new SourceRow(line, fields, null);
            double fraction = Math.Min(1.0, csv.ByteOffset / (double)length);
            if (count > names.Length)
            {
                yield return new Item(row, new ImportRowError(line, $"has {count} fields but the header has {names.Length}"), null, fraction);
            }
            else if (!utf8)
            {
                yield return new Item(row, new ImportRowError(line, NotUtf8), null, fraction);
            }
            else
            {
                yield return new Item(row, null, null, fraction);
            }
        }
    }

    /// <summary>Comma, semicolon or tab: whichever the header line holds most of (comma on a tie).</summary>
    private static char DetectDelimiter(string path)
    {
        using var reader = new StreamReader(path);
        string first = reader.ReadLine() ?? string.Empty;
        int commas = first.Count(ch => ch == ','), semis = first.Count(ch => ch == ';'), tabs = first.Count(ch => ch == '\t');
        return tabs > commas && tabs > semis ? '\t' : semis > commas ? ';' : ',';
    }

    private static IEnumerable<Item> ReadJsonLines(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using StreamReader reader = OpenText(stream);
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

            if (error is null && text.Contains(Invalid, StringComparison.Ordinal))
            {
                error = NotUtf8;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                // Unparsable: what it names as its conversation, if that much is legible, so the rest of it is skipped too.
                Match id = ConversationIdPattern().Match(text);
                SourceRow? partial = id.Success
                    ? new SourceRow(line, new Dictionary<string, string?> { [SourceRow.Normalize(id.Groups[1].Value)] = id.Groups[2].Value }, null)
                    : null;
                yield return new Item(partial, new ImportRowError(line, error!), null, stream.Position / length);
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

            var row = new SourceRow(line, fields, root);
            yield return new Item(row, error is null ? null : new ImportRowError(line, error), null, stream.Position / length);
        }
    }

    [GeneratedRegex("\"(conversation_?id|conversationId|ConversationId)\"\\s*:\\s*\"([^\"\\\\]{1,200})\"", RegexOptions.CultureInvariant)]
    private static partial Regex ConversationIdPattern();
}
