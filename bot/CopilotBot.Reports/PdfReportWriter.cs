using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace CopilotBot.Reports;

/// <summary>Options of the PDF writer.</summary>
/// <param name="CreationDate">The creation date written to the metadata; null: now. Fix it for reproducible bytes.</param>
/// <param name="Compress">Whether content streams are compressed (true for real use; false helps when reading a PDF by
/// eye).</param>
public sealed record PdfReportOptions(DateTimeOffset? CreationDate = null, bool Compress = true);

/// <summary>A written PDF: its bytes and its number of pages.</summary>
public sealed record PdfReport(byte[] Bytes, int PageCount)
{
    /// <summary>Writes the bytes to <paramref name="path"/>, creating its directory if needed; returns the full path.</summary>
    public string WriteTo(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, Bytes);
        return full;
    }
}

/// <summary>
/// Writes a <see cref="ReportDocument"/> as an A4 PDF with PDFsharp, straight from the document model (the same model the
/// Markdown writer reads, so both show the same content): the title and subtitle, section headings kept with what
/// follows, wrapped paragraphs, bulleted and numbered lists with hanging indents, tables whose cells wrap and which
/// continue across pages with their header row repeated (a row taller than a page is split), charts scaled to the text
/// width with their captions, source notes in small grey type, "Page n of m" in every footer, and the title, subject and
/// author ("CopilotBot") in the metadata. Text is drawn as text in the embedded font (<see cref="ReportFonts"/>);
/// characters outside it are drawn as U+FFFD.
/// </summary>
/// <remarks>
/// Why not render the PDF from the Markdown (parsed with Markdig)? Both writers already share one source of truth, the
/// typed <see cref="ReportDocument"/>; going through Markdown would add a lossy hop: the PDF would be only as right as the
/// escaper is the exact inverse of the parser (a gap shows as stray backslashes or, worse, as markup the text did not
/// mean), captions and source notes would come back as anonymous italic paragraphs, chart bytes would have to be found
/// again by file name, and PDF-only hints (relative column widths) would have no place. Drawing from the model keeps every
/// string plain text end to end.
/// </remarks>
public static class PdfReportWriter
{
    private const double PageWidth = 595.28;   // A4 in points
    private const double PageHeight = 841.89;
    private const double MarginX = 56.7;       // 2 cm
    private const double MarginTop = 56.7;
    private const double MarginBottom = 62;
    private const double ContentWidth = PageWidth - (2 * MarginX);
    private const double Bottom = PageHeight - MarginBottom;
    private const double CellPadX = 4;
    private const double CellPadY = 3;
    private const double ListIndent = 16;

    // Every string as Unicode (Identity-H with a ToUnicode map): one encoding for all text, copyable and searchable.
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    private static readonly XColor Ink = XColor.FromArgb(0x1F, 0x23, 0x28);
    private static readonly XColor Subtle = XColor.FromArgb(0x5B, 0x63, 0x6E);
    private static readonly XColor Rule = XColor.FromArgb(0xD0, 0xD5, 0xDB);
    private static readonly XColor HeaderFill = XColor.FromArgb(0xEE, 0xF1, 0xF4);

    /// <summary>Writes <paramref name="document"/> as PDF.</summary>
    /// <exception cref="ArgumentException">A table row has more cells than the table has columns, or a chart's bytes are
    /// not an image PDFsharp can read.</exception>
    public static PdfReport Write(ReportDocument document, PdfReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        options ??= new PdfReportOptions();
        ReportFonts.Install();
        foreach (var table in document.Sections.SelectMany(s => s.Blocks).OfType<ReportTable>())
        {
            ReportTableRules.Check(table);
        }

        using var pdf = new PdfDocument();
        pdf.Info.Title = PlainText.Clean(document.Title);
        pdf.Info.Author = ReportDocument.Author;
        pdf.Info.Creator = ReportDocument.Author;
        if (!string.IsNullOrWhiteSpace(document.Subtitle))
        {
            pdf.Info.Subject = PlainText.Clean(document.Subtitle);
        }

        pdf.Info.CreationDate = (options.CreationDate ?? DateTimeOffset.UtcNow).UtcDateTime;
        pdf.Options.CompressContentStreams = options.Compress;
        if (!options.Compress)
        {
            pdf.Options.NoCompression = true;
        }

        using (var layout = new Layout(pdf))
        {
            layout.Document(document);
        }

        var footer = new XFont(ReportFonts.FamilyName, 8, XFontStyleEx.Regular, Unicode);
        for (var i = 0; i < pdf.PageCount; i++)
        {
            using var gfx = XGraphics.FromPdfPage(pdf.Pages[i], XGraphicsPdfPageOptions.Append);
            var text = string.Create(CultureInfo.InvariantCulture, $"Page {i + 1} of {pdf.PageCount}");
            var width = gfx.MeasureString(text, footer).Width;
            gfx.DrawString(text, footer, new XSolidBrush(Subtle), (PageWidth - width) / 2, PageHeight - (MarginBottom / 2), XStringFormats.BaseLineLeft);
        }

        var pages = pdf.PageCount;
        using var stream = new MemoryStream();
        pdf.Save(stream, closeStream: false);
        return new PdfReport(stream.ToArray(), pages);
    }

    /// <summary>The flowing layout: a cursor on the current page, new pages as content needs them.</summary>
    private sealed class Layout(PdfDocument pdf) : IDisposable
    {
        private readonly XFont _title = new(ReportFonts.FamilyName, 20, XFontStyleEx.Bold, Unicode);
        private readonly XFont _subtitle = new(ReportFonts.FamilyName, 11, XFontStyleEx.Regular, Unicode);
        private readonly XFont _heading = new(ReportFonts.FamilyName, 14, XFontStyleEx.Bold, Unicode);
        private readonly XFont _body = new(ReportFonts.FamilyName, 10, XFontStyleEx.Regular, Unicode);
        private readonly XFont _bodyBold = new(ReportFonts.FamilyName, 10, XFontStyleEx.Bold, Unicode);
        private readonly XFont _small = new(ReportFonts.FamilyName, 8.5, XFontStyleEx.Regular, Unicode);
        private readonly XBrush _ink = new XSolidBrush(Ink);
        private readonly XBrush _subtle = new XSolidBrush(Subtle);
        private XGraphics? _gfx;
        private double _y;
        private int _chartNumber;

        private XGraphics Gfx => _gfx ?? NewPage();

        public void Document(ReportDocument document)
        {
            NewPage();
            var title = PlainText.Clean(document.Title);
            Lines(Wrap(title.Length > 0 ? title : "Report", _title, ContentWidth), _title, _ink, MarginX, keepLines: 1);
            var subtitle = PlainText.Clean(document.Subtitle);
            if (subtitle.Length > 0)
            {
                _y += 2;
                Lines(Wrap(subtitle, _subtitle, ContentWidth), _subtitle, _subtle, MarginX);
            }

            _y += 6;
            Gfx.DrawLine(new XPen(Rule, 0.75), MarginX, _y, PageWidth - MarginX, _y);
            _y += 12;
            foreach (var section in document.Sections)
            {
                Section(section);
            }
        }

        public void Dispose() => _gfx?.Dispose();

        private void Section(ReportSection section)
        {
            var heading = PlainText.Clean(section.Heading);
            if (heading.Length > 0)
            {
                var lines = Wrap(heading, _heading, ContentWidth);
                // Keep the heading with at least three lines of what follows.
                EnsureSpace((lines.Count * LineHeight(_heading)) + 6 + (3 * LineHeight(_body)));
                _y += 6;
                Lines(lines, _heading, _ink, MarginX);
                _y += 4;
            }

            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case ReportParagraph p:
                        Paragraph(PlainText.Clean(p.Text), _body, _ink);
                        break;
                    case ReportList list:
                        List(list);
                        break;
                    case ReportTable table:
                        Table(table);
                        break;
                    case ReportChart chart:
                        Chart(chart);
                        break;
                    case ReportSource source:
                        Paragraph(PlainText.Clean(source.Text), _small, _subtle);
                        break;
                }
            }
        }

        private void Paragraph(string text, XFont font, XBrush brush)
        {
            if (text.Length == 0)
            {
                return;
            }

            Lines(Wrap(text, font, ContentWidth), font, brush, MarginX, keepLines: 2);
            _y += 6;
        }

        private void List(ReportList list)
        {
            for (var i = 0; i < list.Items.Count; i++)
            {
                var marker = list.Numbered ? (i + 1).ToString(CultureInfo.InvariantCulture) + "." : "•";
                var lines = Wrap(PlainText.Clean(list.Items[i]), _body, ContentWidth - ListIndent);
                EnsureSpace(LineHeight(_body));
                var markerWidth = Gfx.MeasureString(marker, _body).Width;
                Gfx.DrawString(marker, _body, _ink, MarginX + ListIndent - 5 - markerWidth, _y, XStringFormats.TopLeft);
                Lines(lines.Count > 0 ? lines : [""], _body, _ink, MarginX + ListIndent);
                _y += 2;
            }

            _y += 4;
        }

        private void Table(ReportTable table)
        {
            var n = table.Columns.Count;
            if (n == 0)
            {
                return;
            }

            var header = table.Columns.Select(c => PlainText.Clean(c.Header)).ToArray();
            var rows = table.Rows.Select(r => Enumerable.Range(0, n).Select(c => PlainText.Clean(c < r.Count ? r[c] : "")).ToArray()).ToList();
            var widths = ColumnWidths(table, header, rows);
            var headerLines = header.Select((h, c) => Wrap(h, _bodyBold, widths[c] - (2 * CellPadX))).ToArray();
            var lineHeight = LineHeight(_body);
            var headerHeight = (headerLines.Max(l => Math.Max(1, l.Count)) * lineHeight) + (2 * CellPadY);

            // The header and the first row stay together.
            var firstRow = rows.Count > 0 ? RowLines(rows[0], widths) : [];
            var firstHeight = firstRow.Length > 0 ? (firstRow.Max(l => Math.Max(1, l.Count)) * lineHeight) + (2 * CellPadY) : 0;
            EnsureSpace(headerHeight + Math.Min(firstHeight, (2 * lineHeight) + (2 * CellPadY)));
            DrawRow(headerLines, widths, table.Columns, _bodyBold, 0, headerLines.Max(l => Math.Max(1, l.Count)), HeaderFill);

            foreach (var row in rows)
            {
                var cells = RowLines(row, widths);
                var total = cells.Max(l => Math.Max(1, l.Count));
                var done = 0;
                while (done < total)
                {
                    var available = (int)Math.Floor((Bottom - _y - (2 * CellPadY)) / lineHeight);
                    var fitsOnFreshPage = (int)Math.Floor((Bottom - MarginTop - headerHeight - (2 * CellPadY)) / lineHeight);
                    // Break before the row when it does not fit here but would fit whole on the next page, or when not
                    // even one line fits.
                    if (available < 1 || (done == 0 && total > available && total <= fitsOnFreshPage))
                    {
                        NewPage();
                        DrawRow(headerLines, widths, table.Columns, _bodyBold, 0, headerLines.Max(l => Math.Max(1, l.Count)), HeaderFill);
                        continue;
                    }

                    var take = Math.Min(total - done, available);
                    DrawRow(cells, widths, table.Columns, _body, done, take, null);
                    done += take;
                }
            }

            _y += 8;
        }

        private List<string>[] RowLines(string[] row, double[] widths) =>
            row.Select((cell, c) => Wrap(cell, _body, widths[c] - (2 * CellPadX))).ToArray();

        /// <summary>Draws lines [<paramref name="from"/>, from + <paramref name="count"/>) of each cell as one band.</summary>
        private void DrawRow(List<string>[] cells, double[] widths, IReadOnlyList<ReportColumn> columns, XFont font, int from, int count, XColor? fill)
        {
            var lineHeight = LineHeight(font);
            var height = (count * lineHeight) + (2 * CellPadY);
            var gfx = Gfx;
            if (fill is { } color)
            {
                gfx.DrawRectangle(new XSolidBrush(color), MarginX, _y, widths.Sum(), height);
            }

            var x = MarginX;
            for (var c = 0; c < cells.Length; c++)
            {
                var inner = widths[c] - (2 * CellPadX);
                for (var l = from; l < Math.Min(cells[c].Count, from + count); l++)
                {
                    var text = cells[c][l];
                    var width = gfx.MeasureString(text, font).Width;
                    var left = columns[c].Alignment switch
                    {
                        ColumnAlignment.Right => x + CellPadX + inner - width,
                        ColumnAlignment.Center => x + CellPadX + ((inner - width) / 2),
                        _ => x + CellPadX,
                    };
                    gfx.DrawString(text, font, _ink, left, _y + CellPadY + ((l - from) * lineHeight), XStringFormats.TopLeft);
                }

                x += widths[c];
            }

            _y += height;
            gfx.DrawLine(new XPen(Rule, 0.5), MarginX, _y, MarginX + widths.Sum(), _y);
        }

        /// <summary>
        /// Column widths filling the text width: given relative widths when every column has one; otherwise each column
        /// first gets what its longest cell needs up to a fair share, and the rest goes to the columns that want more, in
        /// proportion to what they still want. No column is narrower than its longest word (when that fits at all).
        /// </summary>
        private double[] ColumnWidths(ReportTable table, string[] header, List<string[]> rows)
        {
            var n = header.Length;
            if (table.Columns.All(c => c.RelativeWidth is > 0))
            {
                var sum = table.Columns.Sum(c => c.RelativeWidth!.Value);
                return table.Columns.Select(c => ContentWidth * c.RelativeWidth!.Value / sum).ToArray();
            }

            var natural = new double[n];
            var minimum = new double[n];
            for (var c = 0; c < n; c++)
            {
                foreach (var (raw, font) in rows.Select(r => (r[c], _body)).Prepend((header[c], _bodyBold)))
                {
                    var text = ReportFonts.Drawable(raw, font);
                    natural[c] = Math.Max(natural[c], Measure(text, font) + (2 * CellPadX));
                    foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        minimum[c] = Math.Max(minimum[c], Measure(word, font) + (2 * CellPadX));
                    }
                }

                natural[c] = Math.Max(natural[c], 2 * CellPadX + 8);
            }

            var fair = ContentWidth / n;
            var widths = new double[n];
            for (var c = 0; c < n; c++)
            {
                widths[c] = Math.Min(natural[c], Math.Max(fair, Math.Min(minimum[c], ContentWidth * 0.6)));
            }

            var rest = ContentWidth - widths.Sum();
            if (rest < 0)
            {
                // The longest words alone overflow: share the width in proportion.
                var total = widths.Sum();
                return widths.Select(w => w * ContentWidth / total).ToArray();
            }

            var wants = natural.Select((w, c) => Math.Max(0, w - widths[c])).ToArray();
            var wantTotal = wants.Sum();
            for (var c = 0; c < n; c++)
            {
                widths[c] += wantTotal > 0 ? rest * Math.Min(1, wantTotal / rest) * wants[c] / wantTotal : 0;
            }

            // Whatever nobody wants spreads evenly, so the table spans the text width.
            var spare = (ContentWidth - widths.Sum()) / n;
            return widths.Select(w => w + spare).ToArray();
        }

        private void Chart(ReportChart chart)
        {
            XImage image;
            try
            {
                image = XImage.FromStream(new MemoryStream(chart.Png, writable: false));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ArgumentException($"Chart \"{PlainText.Clean(chart.Caption)}\" is not a readable PNG: {e.Message}", nameof(chart), e);
            }

            using (image)
            {
                _chartNumber++;
                var caption = PlainText.Clean(chart.Caption);
                var captionText = string.Create(CultureInfo.InvariantCulture, $"Figure {_chartNumber}.") + (caption.Length > 0 ? " " + caption : "");
                var captionLines = Wrap(captionText, _small, ContentWidth);
                var captionHeight = (captionLines.Count * LineHeight(_small)) + 4;
                var width = ContentWidth;
                var height = width * image.PixelHeight / Math.Max(1, image.PixelWidth);
                var maxHeight = Bottom - MarginTop - captionHeight - 8;
                if (height > maxHeight)
                {
                    width *= maxHeight / height;
                    height = maxHeight;
                }

                EnsureSpace(height + captionHeight + 4);
                Gfx.DrawImage(image, MarginX + ((ContentWidth - width) / 2), _y, width, height);
                _y += height + 4;
                Lines(captionLines, _small, _subtle, MarginX);
                _y += 8;
            }
        }

        /// <summary>Draws wrapped lines at <paramref name="x"/>, breaking pages between lines (keeping the first
        /// <paramref name="keepLines"/> together).</summary>
        private void Lines(List<string> lines, XFont font, XBrush brush, double x, int keepLines = 1)
        {
            var lineHeight = LineHeight(font);
            EnsureSpace(Math.Min(lines.Count, keepLines) * lineHeight);
            foreach (var line in lines)
            {
                EnsureSpace(lineHeight);
                Gfx.DrawString(line, font, brush, x, _y, XStringFormats.TopLeft);
                _y += lineHeight;
            }
        }

        /// <summary>
        /// Greedy line breaking at spaces; a word wider than the line is broken between characters. Characters the font
        /// lacks are replaced first (see <see cref="ReportFonts.Drawable"/>).
        /// </summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            text = ReportFonts.Drawable(text, font);
            if (text.Length == 0)
            {
                return lines;
            }

            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (Measure(candidate, font) <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (Measure(current, font) > width && current.Length > 1)
                {
                    var fit = FitPrefix(current, font, width);
                    lines.Add(current[..fit]);
                    current = current[fit..];
                }
            }

            if (current.Length > 0)
            {
                lines.Add(current);
            }

            return lines;
        }

        /// <summary>The longest prefix of <paramref name="word"/> (at least one character, never splitting a surrogate
        /// pair) that fits <paramref name="width"/>.</summary>
        private int FitPrefix(string word, XFont font, double width)
        {
            var fit = 0;
            var i = 0;
            while (i < word.Length)
            {
                var next = i + (char.IsHighSurrogate(word[i]) && i + 1 < word.Length ? 2 : 1);
                if (fit > 0 && Measure(word[..next], font) > width)
                {
                    break;
                }

                fit = next;
                i = next;
            }

            return fit;
        }

        private double Measure(string text, XFont font) => Gfx.MeasureString(text, font).Width;

        private static double LineHeight(XFont font) => font.GetHeight();

        private void EnsureSpace(double height)
        {
            if (_gfx is null || (_y + height > Bottom && _y > MarginTop))
            {
                NewPage();
            }
        }

        private XGraphics NewPage()
        {
            _gfx?.Dispose();
            var page = pdf.AddPage();
            page.Size = PageSize.A4;
            _gfx = XGraphics.FromPdfPage(page);
            _y = MarginTop;
            return _gfx;
        }
    }
}
