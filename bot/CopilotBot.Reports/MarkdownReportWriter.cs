using System.Globalization;
using System.Text;

namespace CopilotBot.Reports;

/// <summary>A file that goes beside the Markdown: its path relative to the Markdown file and its bytes.</summary>
public sealed record ReportFile(string RelativePath, byte[] Content);

/// <summary>A report as Markdown: the text and the chart images it references by relative path.</summary>
public sealed record MarkdownReport(string Markdown, IReadOnlyList<ReportFile> Images)
{
    /// <summary>
    /// Writes the Markdown to <paramref name="markdownPath"/> (UTF-8, no BOM) and each image beside it, creating the
    /// directory if needed. Returns the paths written, the Markdown first.
    /// </summary>
    public IReadOnlyList<string> WriteTo(string markdownPath)
    {
        var full = Path.GetFullPath(markdownPath);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(full, Markdown, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var written = new List<string> { full };
        foreach (var image in Images)
        {
            var path = Path.Combine(directory, image.RelativePath);
            File.WriteAllBytes(path, image.Content);
            written.Add(path);
        }

        return written;
    }
}

/// <summary>
/// Writes a <see cref="ReportDocument"/> as CommonMark with GitHub's pipe tables: <c>#</c> title, the subtitle in
/// italics, <c>##</c> per section, lists, pipe tables with the columns' alignment, each chart as an image referencing a
/// sibling PNG (<c>{prefix}-{n}.png</c>) with its caption in italics under it, source notes in italics. Every piece of
/// text is escaped so that it reads as the literal text in any CommonMark/GFM renderer (and in Markdig with its advanced
/// extensions): no link, image, autolink, HTML, heading, list, emphasis or table cell can come from the document's
/// strings. Deterministic: the same document gives the same text.
/// </summary>
public static class MarkdownReportWriter
{
    // Escaped wherever they appear (CommonMark lets any ASCII punctuation be backslash-escaped).
    private const string AlwaysEscaped = "\\`*_[]<>#!|~&$^=+{}@";

    /// <summary>Writes <paramref name="document"/>; its charts become <c>{imagePrefix}-1.png</c>, <c>-2</c>, … .</summary>
    /// <param name="document">The report.</param>
    /// <param name="imagePrefix">The charts' file-name prefix, e.g. the Markdown file's name without extension; characters
    /// other than letters, digits, <c>-</c>, <c>_</c> and <c>.</c> become <c>-</c>.</param>
    /// <exception cref="ArgumentException">A table row has more cells than the table has columns.</exception>
    public static MarkdownReport Write(ReportDocument document, string imagePrefix = "chart")
    {
        ArgumentNullException.ThrowIfNull(document);
        var prefix = SafeFileName(imagePrefix);
        var md = new StringBuilder();
        var images = new List<ReportFile>();
        md.Append("# ").Append(Heading(document.Title)).Append("\n\n");
        var subtitle = Escape(document.Subtitle);
        if (subtitle.Length > 0)
        {
            md.Append('*').Append(subtitle).Append("*\n\n");
        }

        foreach (var section in document.Sections)
        {
            var heading = Escape(section.Heading);
            if (heading.Length > 0)
            {
                md.Append("## ").Append(heading).Append("\n\n");
            }

            foreach (var block in section.Blocks)
            {
                WriteBlock(md, block, prefix, images);
            }
        }

        return new MarkdownReport(md.ToString().TrimEnd('\n') + "\n", images);
    }

    /// <summary>
    /// <paramref name="text"/> as Markdown inline text that renders as exactly that text (line breaks read as spaces,
    /// control characters dropped, trimmed): every character that could start markup is backslash-escaped, including
    /// <c>|</c> (safe in table cells), autolink triggers (<c>http://</c>, <c>www.</c>, <c>@</c>, <c>mailto:</c>) and
    /// block markers at the start (<c>#</c>, <c>-</c>, <c>+</c>, <c>1.</c>, <c>a)</c>, <c>:::</c>).
    /// </summary>
    public static string Escape(string? text)
    {
        var s = PlainText.Clean(text);
        var sb = new StringBuilder(s.Length + 8);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (AlwaysEscaped.Contains(c) || MustEscapeInContext(s, i))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static bool MustEscapeInContext(string s, int i)
    {
        var c = s[i];
        switch (c)
        {
            case '-' or ':' when i == 0:
                return true;
            case ':':
                // "http://", "ftp://"; "mailto:", "tel:"; Markdig's "::inline::" containers.
                return Next(s, i, 1) == '/' && Next(s, i, 2) == '/' || Next(s, i, 1) == ':' || Next(s, i, -1) == ':' ||
                       EndsWithWord(s, i, "mailto") || EndsWithWord(s, i, "tel");
            case '.' when EndsWithWord(s, i, "www"):
                return true;
            case '"':
                // Markdig's ""citations"".
                return Next(s, i, 1) == '"' || Next(s, i, -1) == '"';
            case '.' or ')':
                // "12. " or "a) " or "iv. " at the start would open an ordered list (CommonMark, Markdig's list extras).
                return i is > 0 and <= 10 && s.AsSpan(0, i).ContainsAnyExcept(AsciiLettersAndDigits) is false;
            default:
                return false;
        }
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLettersAndDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static char Next(string s, int i, int offset) =>
        i + offset >= 0 && i + offset < s.Length ? s[i + offset] : '\0';

    private static bool EndsWithWord(string s, int end, string word) =>
        end >= word.Length && s.AsSpan(end - word.Length, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase) &&
        (end == word.Length || !char.IsLetterOrDigit(s[end - word.Length - 1]));

    private static string Heading(string? text)
    {
        var escaped = Escape(text);
        return escaped.Length > 0 ? escaped : "Report";
    }

    private static void WriteBlock(StringBuilder md, ReportBlock block, string prefix, List<ReportFile> images)
    {
        switch (block)
        {
            case ReportParagraph p:
                var text = Escape(p.Text);
                if (text.Length > 0)
                {
                    md.Append(text).Append("\n\n");
                }

                break;
            case ReportList list when list.Items.Count > 0:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    md.Append(list.Numbered ? (i + 1).ToString(CultureInfo.InvariantCulture) + ". " : "- ")
                        .Append(Escape(list.Items[i])).Append('\n');
                }

                md.Append('\n');
                break;
            case ReportTable table:
                WriteTable(md, table);
                break;
            case ReportChart chart:
                var name = $"{prefix}-{(images.Count + 1).ToString(CultureInfo.InvariantCulture)}.png";
                images.Add(new ReportFile(name, chart.Png));
                md.Append("![").Append(Escape(chart.AltText)).Append("](").Append(name).Append(")\n\n");
                var caption = Escape(chart.Caption);
                if (caption.Length > 0)
                {
                    md.Append('*').Append(caption).Append("*\n\n");
                }

                break;
            case ReportSource source:
                var note = Escape(source.Text);
                if (note.Length > 0)
                {
                    md.Append('*').Append(note).Append("*\n\n");
                }

                break;
        }
    }

    private static void WriteTable(StringBuilder md, ReportTable table)
    {
        ReportTableRules.Check(table);
        if (table.Columns.Count == 0)
        {
            return;
        }

        md.Append('|');
        foreach (var column in table.Columns)
        {
            md.Append(' ').Append(Cell(column.Header)).Append(" |");
        }

        md.Append("\n|");
        foreach (var column in table.Columns)
        {
            md.Append(column.Alignment switch
            {
                ColumnAlignment.Right => "---:|",
                ColumnAlignment.Center => ":---:|",
                _ => "---|",
            });
        }

        md.Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append('|');
            for (var c = 0; c < table.Columns.Count; c++)
            {
                md.Append(' ').Append(Cell(c < row.Count ? row[c] : "")).Append(" |");
            }

            md.Append('\n');
        }

        md.Append('\n');
    }

    private static string Cell(string? text) => Escape(text);

    private static string SafeFileName(string prefix)
    {
        var sb = new StringBuilder();
        foreach (var c in prefix)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var name = sb.ToString().Trim('.');
        return name.Length > 0 ? name : "chart";
    }
}

/// <summary>The rules a table must follow, checked by both writers.</summary>
internal static class ReportTableRules
{
    public static void Check(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            if (table.Rows[r].Count > table.Columns.Count)
            {
                throw new ArgumentException(
                    $"Table row {r + 1} has {table.Rows[r].Count} cells but the table has {table.Columns.Count} columns.", nameof(table));
            }
        }
    }
}
