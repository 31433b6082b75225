using Xunit.Abstractions;

namespace CopilotBot.Reports.Tests;

/// <summary>
/// Writes the sample account plan as Markdown (with its chart files) and as PDF into a temporary directory and prints the
/// paths and sizes. Set REPORT_SAMPLE_DIR to keep the files somewhere to look at.
/// </summary>
public class SampleReportTests(ITestOutputHelper output)
{
    [Fact]
    public void Writes_the_sample_account_plan_as_markdown_and_pdf()
    {
        var keep = Environment.GetEnvironmentVariable("REPORT_SAMPLE_DIR");
        var dir = keep is { Length: > 0 } ? Directory.CreateDirectory(keep) : Directory.CreateTempSubdirectory("report-sample-");
        try
        {
            var doc = Samples.AccountPlan(tableRows: 40);
            var written = MarkdownReportWriter.Write(doc, "account-plan-P10042").WriteTo(Path.Combine(dir.FullName, "account-plan-P10042.md"));
            var pdf = PdfReportWriter.Write(doc);
            var pdfPath = pdf.WriteTo(Path.Combine(dir.FullName, "account-plan-P10042.pdf"));

            foreach (var path in written.Append(pdfPath))
            {
                output.WriteLine($"{path}  {new FileInfo(path).Length:N0} bytes");
            }

            output.WriteLine($"PDF pages: {pdf.PageCount}");
            Assert.Equal(3, written.Count);
            Assert.True(new FileInfo(pdfPath).Length is > 10_000 and < 1_000_000, $"{new FileInfo(pdfPath).Length} bytes");
            Assert.True(pdf.PageCount >= 2);
        }
        finally
        {
            if (keep is not { Length: > 0 })
            {
                dir.Delete(recursive: true);
            }
        }
    }
}
