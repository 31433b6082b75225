using System.Text;

namespace CopilotBot.Workspace.Import;

/// <summary>
/// A small RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF, and a delimiter
/// detected from the header (comma, semicolon or tab). It tracks the line each record starts on, which is what
/// error reports need and what general-purpose CSV libraries make awkward to get.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly StringBuilder _field = new();
    private int _line = 1;
    private char _delimiter = ',';
    private bool _delimiterKnown;

    /// <summary>Reads the next record; returns null at the end. <paramref name="line"/> is where it starts.</summary>
    public List<string>? Read(out int line)
    {
        line = _line;
        int c = reader.Peek();
        if (c < 0)
        {
            return null;
        }

        if (!_delimiterKnown)
        {
            _delimiter = DetectDelimiter();
            _delimiterKnown = true;
        }

        var fields = new List<string>();
        _field.Clear();
        bool quoted = false, wasQuoted = false;
        while (true)
        {
            c = reader.Read();
            if (c < 0)
            {
                fields.Add(_field.ToString());
                return fields;
            }

            char ch = (char)c;
            if (quoted)
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
                        quoted = false;
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

            if (ch == '"' && _field.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
            }
            else if (ch == _delimiter)
            {
                fields.Add(_field.ToString());
                _field.Clear();
                wasQuoted = false;
            }
            else if (ch == '\r' && reader.Peek() == '\n')
            {
                // CR of CRLF: the LF ends the record.
            }
            else if (ch == '\n')
            {
                _line++;
                fields.Add(_field.ToString());
                return fields;
            }
            else
            {
                _field.Append(ch);
            }
        }
    }

    private char DetectDelimiter()
    {
        // Peeking a whole line is not possible on a TextReader, so the caller's first line decides via a buffer.
        if (reader is PeekableReader peekable)
        {
            string first = peekable.PeekLine();
            int commas = first.Count(ch => ch == ','), semis = first.Count(ch => ch == ';'), tabs = first.Count(ch => ch == '\t');
            return tabs > commas && tabs > semis ? '\t' : semis > commas ? ';' : ',';
        }

        return ',';
    }
}

/// <summary>A reader over a stream that can show its first line without consuming it.</summary>
internal sealed class PeekableReader(StreamReader inner) : TextReader
{
    private string? _pending;
    private int _pos;

    public string PeekLine()
    {
        if (_pending is null)
        {
            string? line = inner.ReadLine();
            _pending = line is null ? string.Empty : line + "\n";
            _pos = 0;
        }

        return _pending[_pos..];
    }

    public override int Peek() => _pending is not null && _pos < _pending.Length ? _pending[_pos] : inner.Peek();

    public override int Read()
    {
        if (_pending is not null && _pos < _pending.Length)
        {
            return _pending[_pos++];
        }

        return inner.Read();
    }
}
