namespace CopilotBot.Reports;

/// <summary>
/// Builds a <see cref="ReportDocument"/> fluently:
/// <code>
/// var doc = new ReportBuilder("Account plan — Contoso").Subtitle("P10042 · as of 2026-12-05")
///     .Section("Summary").Paragraph("…").Bullets("…", "…")
///     .Section("Usage").Chart(png, "Active users, 12 months", "Line chart of active users")
///     .Table([new("Feature"), new("Users", ColumnAlignment.Right)], [["SSO", "42"]]).Source("Source: usage, Nov 2026")
///     .Build();
/// </code>
/// Blocks added before the first <see cref="Section"/> go into a section without a heading.
/// </summary>
public sealed class ReportBuilder(string title)
{
    private readonly List<ReportSection> _sections = [];
    private string? _subtitle;
    private string _heading = "";
    private List<ReportBlock> _blocks = [];

    /// <summary>Sets the line under the title (e.g. the "as of" line).</summary>
    public ReportBuilder Subtitle(string subtitle)
    {
        _subtitle = subtitle;
        return this;
    }

    /// <summary>Starts a new section; the blocks added next belong to it.</summary>
    public ReportBuilder Section(string heading)
    {
        Flush();
        _heading = heading;
        return this;
    }

    /// <summary>Adds a paragraph.</summary>
    public ReportBuilder Paragraph(string text) => Add(new ReportParagraph(text));

    /// <summary>Adds a bulleted list.</summary>
    public ReportBuilder Bullets(params IEnumerable<string> items) => Add(new ReportList([.. items]));

    /// <summary>Adds a numbered list.</summary>
    public ReportBuilder Numbered(params IEnumerable<string> items) => Add(new ReportList([.. items], Numbered: true));

    /// <summary>Adds a table.</summary>
    public ReportBuilder Table(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        Add(new ReportTable(columns, [.. rows]));

    /// <summary>Adds a chart (PNG bytes, caption, alternative text).</summary>
    public ReportBuilder Chart(byte[] png, string caption, string altText) => Add(new ReportChart(png, caption, altText));

    /// <summary>Adds a source or citation note.</summary>
    public ReportBuilder Source(string text) => Add(new ReportSource(text));

    /// <summary>Adds any block.</summary>
    public ReportBuilder Add(ReportBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _blocks.Add(block);
        return this;
    }

    /// <summary>The document built so far (the builder can go on).</summary>
    public ReportDocument Build()
    {
        var sections = new List<ReportSection>(_sections);
        if (_blocks.Count > 0 || _heading.Length > 0)
        {
            sections.Add(new ReportSection(_heading, [.. _blocks]));
        }

        return new ReportDocument(title, _subtitle, sections);
    }

    private void Flush()
    {
        if (_blocks.Count > 0 || _heading.Length > 0)
        {
            _sections.Add(new ReportSection(_heading, _blocks));
        }

        _blocks = [];
        _heading = "";
    }
}
