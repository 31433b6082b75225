using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CopilotBot.Reports.Tests;

public class MarkdownReportWriterTests
{
    // The strictest reading: CommonMark plus every Markdig extension that gives characters a meaning (GFM autolinks and
    // pipe tables, emphasis extras, custom containers, maths, citations, list extras, generic attributes…).
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    [Fact]
    public void Hostile_text_everywhere_renders_as_literal_text_with_no_link_image_html_or_heading_of_its_own()
    {
        var h = Samples.Hostile;
        var doc = new ReportBuilder(h).Subtitle(h)
            .Section(h).Paragraph(h).Bullets(h, h).Numbered(h)
            .Table([new ReportColumn(h), new ReportColumn(h, ColumnAlignment.Right)], [[h, h]])
            .Chart([1, 2, 3], h, h).Source(h)
            .Build();

        var md = MarkdownReportWriter.Write(doc, "plan").Markdown;
        var ast = Markdown.Parse(md, Pipeline);

        var headings = ast.Descendants<HeadingBlock>().ToList();
        Assert.Equal([1, 2], headings.Select(x => x.Level));
        Assert.Empty(ast.Descendants<HtmlBlock>());
        Assert.Empty(ast.Descendants<HtmlInline>());
        Assert.Empty(ast.Descendants<AutolinkInline>());
        Assert.Empty(ast.Descendants<CodeInline>());
        Assert.Empty(ast.Descendants<HtmlEntityInline>());
        var link = Assert.Single(ast.Descendants<LinkInline>());
        Assert.True(link.IsImage);
        Assert.Equal("plan-1.png", link.Url);
        Assert.Equal(2, ast.Descendants<ListBlock>().Count());
        Assert.Single(ast.Descendants<Table>());

        // Every text-bearing node reads exactly as the hostile string.
        foreach (var heading in headings)
        {
            Assert.Equal(h.Trim(), LiteralText(heading.Inline!));
        }

        Assert.Equal(h.Trim(), LiteralText(link));
        var cells = ast.Descendants<TableCell>().ToList();
        Assert.Equal(4, cells.Count);
        Assert.All(cells, c => Assert.Equal(h.Trim(), LiteralText(((ParagraphBlock)c[0]).Inline!)));
        var items = ast.Descendants<ListItemBlock>().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal(h.Trim(), LiteralText(((ParagraphBlock)i[0]).Inline!)));
    }

    [Theory]
    [InlineData("# not a heading")]
    [InlineData("- not a list")]
    [InlineData("+ not a list")]
    [InlineData("1. not a list")]
    [InlineData("2026) not a list")]
    [InlineData("a. not a list")]
    [InlineData("> not a quote")]
    [InlineData("::: not a container")]
    [InlineData("=== ")]
    [InlineData("    not code")]
    [InlineData("```not a fence```")]
    [InlineData("<div>html</div>")]
    [InlineData("<http://evil.example>")]
    [InlineData("http://evil.example/path")]
    [InlineData("see www.evil.example now")]
    [InlineData("mailto:x@evil.example")]
    [InlineData("ends with backslash \\")]
    [InlineData("| a | b |")]
    [InlineData("line one\nline two\r\n# line three")]
    [InlineData("[^1] footnote *[HTML]: abbr {.class} \"\"cite\"\" ++ins++ ^sup^ ~sub~")]
    public void A_paragraph_is_one_paragraph_of_the_literal_text(string text)
    {
        AssertParagraphRoundTrips(text);
    }

    [Fact]
    public void Random_punctuation_heavy_strings_round_trip_as_literal_paragraphs()
    {
        const string alphabet = "ab1 .:-+#*_[]()<>!|`~&$^=\"{}@/\\w\n";
        var random = new Random(18);
        for (var n = 0; n < 1500; n++)
        {
            var chars = new char[random.Next(1, 24)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            // "www" and "http://" must turn up often enough to exercise the autolink guards.
            var text = new string(chars).Replace("w", random.Next(3) == 0 ? "www." : "w", StringComparison.Ordinal);
            AssertParagraphRoundTrips(random.Next(4) == 0 ? "http://" + text : text);
        }
    }

    [Fact]
    public void Tables_keep_their_columns_alignment_and_cells()
    {
        var doc = new ReportBuilder("T")
            .Table([new ReportColumn("Name"), new ReportColumn("ARR", ColumnAlignment.Right), new ReportColumn("Tier", ColumnAlignment.Center)],
                [["Contoso | East", "$120,000", "Gold"], ["Fabrikam"]])
            .Build();

        var md = MarkdownReportWriter.Write(doc).Markdown;
        var table = Assert.Single(Markdown.Parse(md, Pipeline).Descendants<Table>());

        Assert.Equal(
            [TableColumnAlign.Left, TableColumnAlign.Right, TableColumnAlign.Center],
            table.ColumnDefinitions.Take(3).Select(c => c.Alignment ?? TableColumnAlign.Left));
        var rows = table.OfType<TableRow>().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(3, r.Count));
        Assert.Equal("Contoso | East", LiteralText(((ParagraphBlock)((TableCell)rows[1][0])[0]).Inline!));
        Assert.Equal("$120,000", LiteralText(((ParagraphBlock)((TableCell)rows[1][1])[0]).Inline!));
        Assert.Equal("", string.Concat(((TableCell)rows[2][2]).OfType<ParagraphBlock>().Select(p => LiteralText(p.Inline!))));
    }

    [Fact]
    public void A_row_with_more_cells_than_columns_is_refused()
    {
        var doc = new ReportBuilder("T").Table([new ReportColumn("One")], [["a", "b"]]).Build();

        var e = Assert.Throws<ArgumentException>(() => MarkdownReportWriter.Write(doc));
        Assert.Contains("row 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_become_sibling_png_files_referenced_by_relative_path_with_alt_text_and_caption()
    {
        var doc = Samples.AccountPlan();
        var usage = Samples.UsageChart();

        var report = MarkdownReportWriter.Write(doc, "plan P10042/../x");

        Assert.Equal(["plan-P10042-..-x-1.png", "plan-P10042-..-x-2.png"], report.Images.Select(i => i.RelativePath));
        Assert.Equal(usage, report.Images[0].Content);
        var ast = Markdown.Parse(report.Markdown, Pipeline);
        var images = ast.Descendants<LinkInline>().Where(l => l.IsImage).ToList();
        Assert.Equal(report.Images.Select(i => i.RelativePath), images.Select(i => i.Url));
        Assert.Equal("Line chart: active users rose from 120 to 190", LiteralText(images[0]));
        Assert.Contains("*Active users per month, last 12 months*", report.Markdown, StringComparison.Ordinal);
        Assert.All(report.Images, i => Assert.DoesNotContain('/', i.RelativePath));
    }

    [Fact]
    public void WriteTo_writes_the_markdown_and_its_images_side_by_side()
    {
        var dir = Directory.CreateTempSubdirectory("report-md-");
        try
        {
            var report = MarkdownReportWriter.Write(Samples.AccountPlan(), "plan");
            var paths = report.WriteTo(Path.Combine(dir.FullName, "out", "plan.md"));

            Assert.Equal(3, paths.Count);
            Assert.Equal(report.Markdown, File.ReadAllText(paths[0]));
            Assert.Equal(report.Images[1].Content, File.ReadAllBytes(Path.Combine(dir.FullName, "out", "plan-2.png")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_same_document_gives_the_same_markdown()
    {
        Assert.Equal(MarkdownReportWriter.Write(Samples.AccountPlan()).Markdown, MarkdownReportWriter.Write(Samples.AccountPlan()).Markdown);
    }

    private static void AssertParagraphRoundTrips(string text)
    {
        var expected = string.Join(' ', text.Split(['\r', '\n'])).Trim();
        if (expected.Length == 0)
        {
            return;
        }

        var md = MarkdownReportWriter.Write(new ReportDocument("T", null, [new ReportSection("", [new ReportParagraph(text)])])).Markdown;
        var ast = Markdown.Parse(md, Pipeline);
        Assert.True(ast.Count == 2, $"{text} -> {md}: {ast.Count} blocks");
        var paragraph = Assert.IsType<ParagraphBlock>(ast[1]);
        var inlines = paragraph.Inline!.Descendants<Inline>().ToList();
        Assert.True(inlines.All(i => i is LiteralInline), $"{text} -> {md}: {string.Join(", ", inlines.Select(i => i.GetType().Name))}");
        Assert.Equal(expected, LiteralText(paragraph.Inline!));
    }

    private static string LiteralText(ContainerInline container) =>
        string.Concat(container.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}
