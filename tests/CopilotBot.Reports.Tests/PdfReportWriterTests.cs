using System.Text;
using PdfSharp.Pdf;

namespace CopilotBot.Reports.Tests;

public class PdfReportWriterTests
{
    private static readonly DateTimeOffset Fixed = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Writes_a_pdf_that_opens_again_with_its_metadata()
    {
        var report = PdfReportWriter.Write(Samples.AccountPlan(), new PdfReportOptions(Fixed));

        Assert.Equal("%PDF-", Encoding.ASCII.GetString(report.Bytes, 0, 5));
        using var pdf = PdfInspector.Open(report.Bytes);
        Assert.Equal(report.PageCount, pdf.PageCount);
        Assert.Equal("Account plan — Contoso Health (P10042)", pdf.Info.Title);
        Assert.Equal("CopilotBot", pdf.Info.Author);
        Assert.Equal("Platinum · Healthcare · as of 2026-12-05", pdf.Info.Subject);
        Assert.All(pdf.Pages.Cast<PdfPage>(), p => Assert.Equal(595, p.Width.Point, 0));
        Assert.All(pdf.Pages.Cast<PdfPage>(), p => Assert.Equal(842, p.Height.Point, 0));
    }

    [Fact]
    public void Text_is_drawn_as_text_in_order_with_page_numbers_in_every_footer()
    {
        var report = PdfReportWriter.Write(Samples.AccountPlan(), new PdfReportOptions(Fixed));
        var pages = PdfInspector.TextRuns(report.Bytes);

        var all = string.Join("\n", pages.SelectMany(p => p));
        Assert.Contains("Account plan — Contoso Health (P10042)", all, StringComparison.Ordinal);
        Assert.True(all.IndexOf("Summary", StringComparison.Ordinal) < all.IndexOf("Next features", StringComparison.Ordinal));
        Assert.Contains("Figure 1. Active users per month, last 12 months", all, StringComparison.Ordinal);
        Assert.Contains("Figure 2. Share of users per feature", all, StringComparison.Ordinal);
        Assert.Contains("•", pages.SelectMany(p => p));
        Assert.Contains("3.", pages.SelectMany(p => p));
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Equal($"Page {i + 1} of {pages.Count}", pages[i][^1]);
        }
    }

    [Fact]
    public void Long_paragraphs_wrap_and_more_content_makes_more_pages()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("Seat utilisation reached ninety-four percent of the seats purchased.", 12));
        var one = PdfReportWriter.Write(new ReportBuilder("Short").Paragraph(sentence).Build());
        var many = PdfReportWriter.Write(new ReportBuilder("Long").Section("Body").Add(new ReportParagraph(sentence)).Build() with
        {
            Sections = [new ReportSection("Body", Enumerable.Repeat<ReportBlock>(new ReportParagraph(sentence), 40).ToList())],
        });

        Assert.Equal(1, one.PageCount);
        Assert.True(many.PageCount >= 4, $"{many.PageCount} pages");
        var runs = PdfInspector.TextRuns(one.Bytes)[0];
        var lines = runs.Where(r => r.StartsWith("Seat", StringComparison.Ordinal) || sentence.Contains(r, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 6, $"{lines.Count} lines");
        // Nothing lost or reordered in wrapping.
        Assert.Equal(sentence, string.Join(' ', lines));
    }

    [Fact]
    public void A_long_table_continues_across_pages_with_its_header_repeated_and_every_row_once()
    {
        const int rows = 90;
        var doc = Samples.AccountPlan(tableRows: rows);
        var report = PdfReportWriter.Write(doc);
        var pages = PdfInspector.TextRuns(report.Bytes);

        var pagesWithRows = pages.Where(p => p.Any(r => r.StartsWith("Feature ", StringComparison.Ordinal))).ToList();
        Assert.True(pagesWithRows.Count >= 3, $"table on {pagesWithRows.Count} pages");
        foreach (var page in pagesWithRows)
        {
            var header = page.IndexOf("Why it matters");
            var firstRow = page.FindIndex(r => r.StartsWith("Feature ", StringComparison.Ordinal));
            Assert.True(header >= 0 && header < firstRow, "each page with rows starts them under the header");
            Assert.Equal("Feature", page[header - 3]);
            Assert.Equal("Users", page[header - 2]);
        }

        var drawn = pages.SelectMany(p => p).Where(r => r.StartsWith("Feature ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, rows).Select(i => $"Feature {i}"), drawn);
    }

    [Fact]
    public void Cells_wrap_within_their_column()
    {
        var longCell = string.Join(' ', Enumerable.Repeat("renewal", 40));
        var doc = new ReportBuilder("Wrap")
            .Table([new ReportColumn("Account"), new ReportColumn("Notes")], [["Contoso", longCell]])
            .Build();

        var runs = PdfInspector.TextRuns(PdfReportWriter.Write(doc).Bytes)[0];

        var noteLines = runs.Where(r => r.StartsWith("renewal", StringComparison.Ordinal)).ToList();
        Assert.True(noteLines.Count >= 3, $"{noteLines.Count} lines");
        Assert.Equal(longCell, string.Join(' ', noteLines));
    }

    [Fact]
    public void A_row_taller_than_a_page_is_split_across_pages()
    {
        var huge = string.Join(' ', Enumerable.Range(1, 1500).Select(i => $"w{i}"));
        var doc = new ReportBuilder("Huge").Table([new ReportColumn("Key"), new ReportColumn("Value")], [["k", huge]]).Build();

        var report = PdfReportWriter.Write(doc);
        var pages = PdfInspector.TextRuns(report.Bytes);

        Assert.True(report.PageCount >= 2);
        Assert.All(pages, p => Assert.Contains("Value", p));
        Assert.Equal(huge, string.Join(' ', pages.SelectMany(p => p).Where(r => r.StartsWith('w'))));
    }

    [Fact]
    public void Each_chart_is_embedded_once_as_an_image_xobject()
    {
        var withCharts = PdfReportWriter.Write(Samples.AccountPlan());
        var without = PdfReportWriter.Write(new ReportBuilder("No charts").Paragraph("Text only.").Build());

        Assert.Equal(2, PdfInspector.ImageCount(withCharts.Bytes));
        Assert.Equal(0, PdfInspector.ImageCount(without.Bytes));
    }

    [Fact]
    public void Charts_are_scaled_to_the_text_width_and_a_tall_one_to_fit_the_page()
    {
        var tall = CopilotBot.Charts.ChartRenderer.RenderPng(new CopilotBot.Charts.ChartSpec(
            CopilotBot.Charts.ChartKind.Bar, "Tall", ["a"], [new CopilotBot.Charts.ChartSeries("v", [1])]) { Width = 120, Height = 1600 });
        var doc = new ReportBuilder("Charts").Chart(Samples.UsageChart(), "Wide", "alt").Chart(tall, "Tall", "alt").Build();

        var placements = PdfInspector.ImagePlacements(PdfReportWriter.Write(doc).Bytes);

        Assert.Equal(2, placements.Count);
        var textWidth = 595.28 - (2 * 56.7);
        Assert.Equal(textWidth, placements[0].Width, 1);
        Assert.Equal(textWidth * 320 / 640, placements[0].Height, 1);
        Assert.True(placements[1].Height < 841.89 - 56.7 - 62, $"{placements[1].Height} pt tall");
        Assert.Equal(120.0 / 1600, placements[1].Width / placements[1].Height, 3);
        Assert.Equal(1, placements[1].Page);
    }

    [Fact]
    public void The_font_travels_inside_the_assembly_regular_and_bold_and_small()
    {
        var assembly = typeof(ReportFonts).Assembly;
        foreach (var name in new[] { "CopilotBot.Reports.Fonts.DejaVuSans.ttf", "CopilotBot.Reports.Fonts.DejaVuSans-Bold.ttf" })
        {
            using var stream = assembly.GetManifestResourceStream(name);
            Assert.NotNull(stream);
            Assert.InRange(stream.Length, 50_000, 400_000);
        }
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_refused_with_the_charts_caption()
    {
        var doc = new ReportBuilder("Bad").Chart([1, 2, 3, 4], "Broken chart", "alt").Build();

        var e = Assert.Throws<ArgumentException>(() => PdfReportWriter.Write(doc));
        Assert.Contains("Broken chart", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unicode_text_is_drawn_and_characters_outside_the_font_become_the_replacement_glyph()
    {
        const string text = "Café Müller Straße – “quoted” Ωμέγα Привет 日本 😀";
        var doc = new ReportBuilder(text).Subtitle(text).Section(text).Paragraph(text).Bullets(text)
            .Table([new ReportColumn(text)], [[text]]).Source(text).Build();

        var report = PdfReportWriter.Write(doc);
        var runs = PdfInspector.TextRuns(report.Bytes).SelectMany(p => p).ToList();

        var expected = "Café Müller Straße – “quoted” Ωμέγα Привет \uFFFD\uFFFD \uFFFD";
        Assert.Contains(expected, runs);
        Assert.True(runs.Count(r => r.Contains("Straße – “quoted”", StringComparison.Ordinal)) >= 6);
        Assert.DoesNotContain(runs, r => r.Contains('\0'));
    }

    [Fact]
    public void Hostile_and_control_text_is_drawn_verbatim_as_one_line()
    {
        var doc = new ReportBuilder("T").Paragraph(Samples.Hostile + "\u0007\r\nnext").Build();

        var runs = PdfInspector.TextRuns(PdfReportWriter.Write(doc).Bytes)[0];

        Assert.Equal(Samples.Hostile.TrimEnd() + " next", string.Join(' ', runs.Skip(1).SkipLast(1)));
    }

    [Fact]
    public void Empty_and_odd_documents_still_make_a_page()
    {
        var report = PdfReportWriter.Write(new ReportDocument("", null,
        [
            new ReportSection("", [new ReportTable([], []), new ReportList([]), new ReportList(["", " "], Numbered: true), new ReportParagraph("\n")]),
            new ReportSection("\t", [new ReportTable([new ReportColumn(""), new ReportColumn(" ", ColumnAlignment.Right)], [[], [""]]), new ReportSource("")]),
        ]));

        Assert.Equal(1, report.PageCount);
        Assert.Contains("Report", PdfInspector.TextRuns(report.Bytes)[0]);
    }
}
