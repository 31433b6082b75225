using System.Text;

namespace CopilotBot.Charts.Tests;

public sealed class PngTests
{
    [Fact]
    public void A_chart_is_a_well_formed_indexed_png_of_the_requested_size()
    {
        byte[] png = ChartRenderer.RenderPng(Samples.Forecast() with { Width = 600, Height = 300 });

        DecodedPng image = DecodedPng.Read(png); // checks the signature, every CRC (recomputed bit by bit) and the IDAT length
        Assert.Equal(["IHDR", "PLTE", "IDAT", "IEND"], image.Chunks.Select(c => c.Type));
        Assert.Equal(13, image.Chunks[0].Length);
        Assert.Equal((600, 300), (image.Width, image.Height));
        Assert.InRange(image.Palette.Length, 2, 256);
        Assert.Equal(0, image.Chunks[^1].Length);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(DecodedPng.BitwiseCrc(Encoding.ASCII.GetBytes("IEND")), Crc32.Compute(Encoding.ASCII.GetBytes("IEND")));
    }

    [Fact]
    public void The_encoder_refuses_pixels_outside_the_palette()
    {
        var ex = Assert.Throws<ArgumentException>(() => PngEncoder.EncodeIndexed(2, 1, [0, 3], [new Rgb(0, 0, 0), new Rgb(255, 255, 255)]));

        Assert.Contains("outside the 2-colour palette", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_spec_gives_the_same_bytes_and_a_different_one_different_bytes()
    {
        byte[] first = ChartRenderer.RenderPng(Samples.Weekly());
        byte[] second = ChartRenderer.RenderPng(Samples.Weekly());
        byte[] other = ChartRenderer.RenderPng(Samples.Weekly() with { Title = "Support conversations by week (EMEA)" });

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void A_640_by_320_chart_stays_well_under_20_KB_even_when_busy()
    {
        // Six dense, jagged series with dashes, markers off (52 points) and every label thinned: about the worst a card carries.
        string[] weeks = Enumerable.Range(1, 52).Select(i => $"Week {i}").ToArray();
        var series = Enumerable.Range(0, 6).Select(s => new ChartSeries($"Series {s}", weeks.Select((_, i) => Math.Abs(Math.Sin((i * (s + 1)) + s)) * 1_000_000 * (s + 1)).ToArray()) { Dashed = s % 2 == 1 }).ToList();
        var busy = new ChartSpec(ChartKind.Line, "Six series over a year", weeks, series) { Format = ValueFormat.Money };

        int busySize = ChartRenderer.RenderPng(busy).Length;
        int forecastSize = ChartRenderer.RenderPng(Samples.Forecast()).Length;

        Assert.InRange(busySize, 1, 16 * 1024);
        Assert.InRange(forecastSize, 1, 8 * 1024);
    }
}
