namespace CopilotBot.Reports;

/// <summary>
/// A report built by code: a title, an optional subtitle (the "as of" line) and sections of blocks. Every string in it is
/// plain text — customer names, model output, numbers already formatted — and the writers show it as such: the Markdown
/// writer escapes it, the PDF writer draws it. Build one with <see cref="ReportBuilder"/> or the records directly.
/// </summary>
/// <param name="Title">The report's title (the document heading and the PDF's title metadata).</param>
/// <param name="Subtitle">A line under the title, e.g. "Account P10042 · as of 2026-12-05", or null.</param>
/// <param name="Sections">The sections in order.</param>
public sealed record ReportDocument(string Title, string? Subtitle, IReadOnlyList<ReportSection> Sections)
{
    /// <summary>The author written to the PDF's metadata.</summary>
    public const string Author = "CopilotBot";

    /// <summary>The charts of the whole report in order; the Markdown writer numbers their files this way.</summary>
    public IEnumerable<ReportChart> Charts => Sections.SelectMany(s => s.Blocks).OfType<ReportChart>();
}

/// <summary>A section: a heading and its blocks.</summary>
public sealed record ReportSection(string Heading, IReadOnlyList<ReportBlock> Blocks);

/// <summary>One block of a section: <see cref="ReportParagraph"/>, <see cref="ReportList"/>, <see cref="ReportTable"/>,
/// <see cref="ReportChart"/> or <see cref="ReportSource"/>.</summary>
public abstract record ReportBlock;

/// <summary>A paragraph of plain text; line breaks in it are read as spaces.</summary>
public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>A bulleted (<paramref name="Numbered"/> false) or numbered list of plain-text items.</summary>
public sealed record ReportList(IReadOnlyList<string> Items, bool Numbered = false) : ReportBlock;

/// <summary>How a table column's cells are aligned.</summary>
public enum ColumnAlignment
{
    /// <summary>Left (text).</summary>
    Left,

    /// <summary>Centred.</summary>
    Center,

    /// <summary>Right (numbers).</summary>
    Right,
}

/// <summary>A table column: its header and alignment, and an optional relative width for the PDF (the default shares
/// the width by the columns' content).</summary>
public sealed record ReportColumn(string Header, ColumnAlignment Alignment = ColumnAlignment.Left, double? RelativeWidth = null);

/// <summary>
/// A table: columns and rows of plain-text cells. A row shorter than the columns is padded with empty cells; a longer row
/// is an error. In the PDF, cells wrap and a table longer than the page continues on the next with its header repeated.
/// </summary>
public sealed record ReportTable(IReadOnlyList<ReportColumn> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) : ReportBlock;

/// <summary>
/// A chart: PNG bytes (e.g. from <c>CopilotBot.Charts.ChartRenderer</c>), a caption shown under it and the alternative
/// text for readers that cannot see it. The PDF scales it to the text width (never up beyond its pixel size at 96 dpi
/// unless it fits).
/// </summary>
public sealed record ReportChart(byte[] Png, string Caption, string AltText) : ReportBlock;

/// <summary>A source or citation note ("Source: usage, Nov 2026; churn model v3"), shown small under what it supports.</summary>
public sealed record ReportSource(string Text) : ReportBlock;
