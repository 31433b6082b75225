using System.Globalization;

namespace CopilotBot.Charts.Tests;

/// <summary>
/// Chart text a person can read in a card: a chart is shown at about two thirds of its width in Teams and Web Chat, so
/// capitals of 12 px or more in the PNG still read at 8 px or more on screen (the old 7 px font read at under 5).
/// </summary>
public sealed class LegibilityTests
{
    private const int MinCapPixels = 12;

    [Fact]
    public void Glyphs_are_at_least_12_pixels_tall_and_digits_are_told_apart()
    {
        Assert.InRange(BitmapFont.CapHeight, MinCapPixels, 20);
        (int width, int height) = Ink("H");
        Assert.Equal(BitmapFont.CapHeight, height);
        Assert.InRange(width, 8, 12);

        // Every digit has its own shape at the drawn size (no two scale to the same pixels).
        var shapes = "0123456789".Select(c => Pixels(c.ToString())).ToList();
        Assert.Equal(10, shapes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_title_and_axis_labels_of_a_daily_support_chart_are_drawn_at_least_12_pixels_tall()
    {
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(DailySupport()));
        (byte, byte, byte) ink = (ChartRenderer.Ink.R, ChartRenderer.Ink.G, ChartRenderer.Ink.B);
        (byte, byte, byte) subtle = (ChartRenderer.Subtle.R, ChartRenderer.Subtle.G, ChartRenderer.Subtle.B);

        // The title: the first band of rows holding ink, from the top.
        var titleRows = Run(image, ink, from: 0, x0: 0, x1: image.Width);
        Assert.InRange(titleRows.Count, MinCapPixels, BitmapFont.LineHeight);

        // The x labels: below the lowest grid line (the zero axis, drawn in the subtle colour across the plot).
        int axis = Enumerable.Range(0, image.Height).Last(y => Enumerable.Range(0, image.Width).Count(x => image[x, y] == subtle) > image.Width / 2);
        var labelRows = Run(image, subtle, from: axis + 1, x0: image.Width / 3, x1: image.Width);
        Assert.InRange(labelRows.Count, MinCapPixels, BitmapFont.LineHeight);
        Assert.True(labelRows[^1] < image.Height, "the x labels fit inside the image");

        // The y tick labels: left of the plot, in the subtle colour; "60" is two digits of the full cap height.
        var tickRows = Run(image, subtle, from: titleRows[^1] + 1, x0: 0, x1: 30);
        Assert.InRange(tickRows.Count, MinCapPixels, BitmapFont.LineHeight);
    }

    [Fact]
    public void A_legible_daily_chart_stays_small_enough_to_go_inline_in_a_card()
    {
        byte[] png = ChartRenderer.RenderPng(DailySupport());

        DecodedPng image = DecodedPng.Read(png);
        Assert.Equal((640, 320), (image.Width, image.Height));
        Assert.InRange(png.Length, 1, 8 * 1024); // its data URI is under 11 KB of a 28 KB card
    }

    internal static ChartSpec DailySupport()
    {
        var days = Enumerable.Range(0, 31).Select(i => new DateOnly(2026, 10, 22).AddDays(i)).ToList();
        return new ChartSpec(
            ChartKind.Line,
            "Support conversations by day",
            days.Select(d => d.ToString("MMM d", CultureInfo.InvariantCulture)).ToList(),
            [
                new ChartSeries("Conversations", days.Select((_, i) => Math.Round(40 * (1 + (0.35 * Math.Sin(i * 0.7)) + (0.15 * Math.Cos(i * 1.9))))).ToList()),
                new ChartSeries("Negative", days.Select((_, i) => Math.Round(9 * (1 + (0.35 * Math.Sin((i * 0.7) + 3))))).ToList()),
            ]);
    }

    /// <summary>The first contiguous run of rows at or below <paramref name="from"/> with a pixel of <paramref name="color"/> between x0 and x1.</summary>
    private static List<int> Run(DecodedPng image, (byte, byte, byte) color, int from, int x0, int x1)
    {
        bool Has(int y) => Enumerable.Range(x0, x1 - x0).Any(x => image[x, y] == color);
        int start = Enumerable.Range(from, image.Height - from).First(Has);
        var rows = new List<int>();
        for (int y = start; y < image.Height && Has(y); y++)
        {
            rows.Add(y);
        }

        return rows;
    }

    private static (int Width, int Height) Ink(string text)
    {
        var points = new List<(int X, int Y)>();
        BitmapFont.Draw(text, 0, 0, (x, y) => points.Add((x, y)));
        return (points.Max(p => p.X) - points.Min(p => p.X) + 1, points.Max(p => p.Y) - points.Min(p => p.Y) + 1);
    }

    private static string Pixels(string text)
    {
        var points = new SortedSet<(int, int)>();
        BitmapFont.Draw(text, 0, 0, (x, y) => points.Add((x, y)));
        return string.Join(";", points);
    }
}
