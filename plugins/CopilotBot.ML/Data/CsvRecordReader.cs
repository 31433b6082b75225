using System.Text;

namespace CopilotBot.ML;

/// <summary>
/// Minimal RFC 4180 reader: comma-separated, double-quoted fields with "" escapes and line breaks inside quotes,
/// LF or CRLF endings, blank lines skipped. Written here (rather than using a CSV package) so every record
/// carries the exact 1-based physical line it starts on for error messages.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, string source)
{
    private readonly StringBuilder _field = new();
    private int _line = 1;

    /// <summary>Reads the next record, or returns false at end of input.</summary>
    public bool TryRead(out string[] fields, out int line)
    {
        var values = new List<string>();
        _field.Clear();
        line = _line;
        var inQuotes = false;
        var fieldStarted = false;
        var quotedField = false;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                if (inQuotes)
                {
                    throw new DataSchemaException($"{source}: line {line}: a quoted field is not closed before the end of the file.");
                }

                if (values.Count == 0 && !fieldStarted)
                {
                    fields = [];
                    return false;
                }

                values.Add(_field.ToString());
                fields = [.. values];
                return true;
            }

            var ch = (char)next;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        _line++;
                    }

                    _field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when !quotedField && _field.Length == 0:
                    inQuotes = true;
                    quotedField = true;
                    fieldStarted = true;
                    break;
                case '"':
                    throw new DataSchemaException($"{source}: line {_line}: unexpected quote inside an unquoted field.");
                case ',':
                    values.Add(_field.ToString());
                    _field.Clear();
                    quotedField = false;
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    _line++;
                    if (values.Count == 0 && !fieldStarted && _field.Length == 0)
                    {
                        // Blank line: skip, and the next record starts on the following line.
                        line = _line;
                        break;
                    }

                    values.Add(_field.ToString());
                    fields = [.. values];
                    return true;
                default:
                    if (quotedField)
                    {
                        throw new DataSchemaException($"{source}: line {_line}: text after a closing quote.");
                    }

                    _field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
    }
}
