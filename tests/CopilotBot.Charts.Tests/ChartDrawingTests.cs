namespace CopilotBot.Charts.Tests;

public sealed class ChartDrawingTests
{
    private static readonly (byte, byte, byte) Blue = Tuple(ChartRenderer.SeriesColors[0]);
    private static readonly (byte, byte, byte) Band = Tuple(ChartRenderer.BandColor);
    private static readonly (byte, byte, byte) Axis = Tuple(ChartRenderer.Subtle);
    private static readonly (byte, byte, byte) GridLine = Tuple(ChartRenderer.Grid);

    [Fact]
    public void Bars_fill_their_rectangle_from_zero_to_their_value_and_nothing_above()
    {
        // 0…100 in steps of 20: the top grid line is 100, the axis line 0.
        var spec = new ChartSpec(ChartKind.Bar, "Bars", ["A", "B"], [new ChartSeries("Count", [100, 50])]);
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));
        int zero = RowWhere(image, Axis);
        int hundred = RowWhere(image, GridLine);

        (int left, int right, int top, int bottom) a = Box(image, Blue, 0, image.Width / 2);
        (int left, int right, int top, int bottom) b = Box(image, Blue, image.Width / 2, image.Width);

        Assert.Equal(hundred, a.top);
        Assert.InRange(b.top, ((hundred + zero) / 2) - 1, ((hundred + zero) / 2) + 1);
        Assert.Equal(zero, a.bottom + 1); // the bar stands on the axis line
        Assert.Equal(a.bottom, b.bottom);
        // Solid inside, and no bar colour anywhere above the taller bar (title area included).
        for (int y = a.top; y <= a.bottom; y++)
        {
            for (int x = a.left; x <= a.right; x++)
            {
                Assert.Equal(Blue, image[x, y]);
            }
        }

        Assert.False(image.Contains(Blue, 0, 0, image.Width, a.top));
        Assert.InRange(a.right - a.left, 100, 260);
    }

    [Fact]
    public void Negative_bars_hang_below_the_zero_line()
    {
        var spec = new ChartSpec(ChartKind.Bar, "Change", ["Up", "Down"], [new ChartSeries("Δ", [40, -60])]) { Format = ValueFormat.Money };
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));
        int zero = RowWhere(image, Axis);

        var up = Box(image, Blue, 0, image.Width / 2);
        var down = Box(image, Blue, image.Width / 2, image.Width);

        Assert.True(up.bottom < zero, "the positive bar ends above the zero line");
        Assert.True(down.top >= zero && down.bottom > zero + 20, "the negative bar starts at zero and goes down");
    }

    [Fact]
    public void The_interval_band_lies_around_the_line_between_the_points()
    {
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(Samples.Forecast()));
        var line = Box(image, Blue, 0, image.Width);
        int x = (line.left + line.right) / 3; // between the first two points

        var blueRows = Enumerable.Range(0, image.Height).Where(y => image[x, y] == Blue).ToList();
        var bandRows = Enumerable.Range(0, image.Height).Where(y => image[x, y] == Band).ToList();

        Assert.NotEmpty(blueRows);
        Assert.Contains(bandRows, y => y < blueRows.Min());
        Assert.Contains(bandRows, y => y > blueRows.Max());
        int zero = RowWhere(image, Axis);
        Assert.False(image.Contains(Band, 0, zero, image.Width, image.Height), "no band below the axis");
    }

    [Fact]
    public void A_missing_value_leaves_a_gap_in_the_line()
    {
        var spec = new ChartSpec(ChartKind.Line, "Gap", ["a", "b", "c", "d", "e"], [new ChartSeries("s", [1, 2, double.NaN, 2, 1])]);
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));
        var line = Box(image, Blue, 0, image.Width);
        int middle = (line.left + line.right) / 2;

        Assert.False(image.Contains(Blue, middle - 10, 0, middle + 10, image.Height));
        Assert.True(image.Contains(Blue, line.left, 0, line.left + 10, image.Height));
    }

    [Fact]
    public void One_point_is_drawn_as_a_dot()
    {
        var spec = new ChartSpec(ChartKind.Line, "One", ["now"], [new ChartSeries("s", [3])]);
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));

        var dot = Box(image, Blue, 0, image.Width);

        Assert.InRange(dot.right - dot.left, 3, 8);
        Assert.InRange(dot.left, (image.Width / 2) - 30, image.Width / 2 + 30);
    }

    [Fact]
    public void All_zero_values_draw_on_the_zero_line()
    {
        var spec = new ChartSpec(ChartKind.Line, "Flat", ["a", "b", "c"], [new ChartSeries("s", [0, 0, 0])]) { Format = ValueFormat.Percent };
        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));

        var line = Box(image, Blue, 0, image.Width);
        int zero = Enumerable.Range(0, image.Height).Last(y => Enumerable.Range(0, image.Width).Count(x => image[x, y] == Axis || image[x, y] == Blue) > image.Width / 2);

        Assert.InRange(zero, line.top, line.bottom);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void No_labels_or_only_missing_values_give_a_no_data_image(int labels)
    {
        ChartSpec spec = labels == 0
            ? new ChartSpec(ChartKind.Line, "Nothing yet", [], [new ChartSeries("s", [])])
            : new ChartSpec(ChartKind.Bar, "Nothing yet", ["a", "b"], [new ChartSeries("s", [double.NaN, double.NaN])]);

        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));

        Assert.False(image.Contains(Blue, 0, 0, image.Width, image.Height));
        Assert.True(image.Contains(Axis, image.Width / 2 - 30, image.Height / 3, image.Width / 2 + 30, 2 * image.Height / 3), "'No data' in the middle");
    }

    [Theory]
    [InlineData("infinite", "infinite value at 'b'")]
    [InlineData("short", "has 1 values for 2 labels")]
    [InlineData("none", "needs 1–6 series")]
    [InlineData("tiny", "pixels on each side")]
    [InlineData("band on bars", "line charts only")]
    public void Broken_specs_are_refused_with_a_clear_message(string what, string expected)
    {
        ChartSpec spec = what switch
        {
            "infinite" => new ChartSpec(ChartKind.Line, "t", ["a", "b"], [new ChartSeries("s", [1, double.PositiveInfinity])]),
            "short" => new ChartSpec(ChartKind.Line, "t", ["a", "b"], [new ChartSeries("s", [1])]),
            "none" => new ChartSpec(ChartKind.Line, "t", ["a"], []),
            "tiny" => Samples.Forecast() with { Width = 10 },
            _ => new ChartSpec(ChartKind.Bar, "t", ["a"], [new ChartSeries("s", [1])]) { Band = new ChartBand("b", [0], [2]) },
        };

        var ex = Assert.Throws<ArgumentException>(() => ChartRenderer.RenderPng(spec));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_outside_the_font_are_drawn_as_boxes_not_errors()
    {
        foreach (char c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$€%−·~.,:;!?()/+-'\"&*<>[]_@#=…×")
        {
            Assert.True(BitmapFont.Supports(c), $"'{c}' has a glyph");
        }

        Assert.False(BitmapFont.Supports('日'));
        Assert.Equal(BitmapFont.Measure("H"), BitmapFont.Measure("日")); // the box is as wide as a full glyph
        var spec = Samples.Bars() with { Title = "Zoë’s 日本 ✓ 🚀 accounts", Labels = ["ß", "日", "\t", ""] };

        DecodedPng image = DecodedPng.Read(ChartRenderer.RenderPng(spec));

        Assert.Equal(640, image.Width);
    }

    [Theory]
    [InlineData(0, 2_350_000, 2_500_000, 500_000)]
    [InlineData(0, 0, 1, 0.2)]
    [InlineData(-0.3, 0.45, 0.6, 0.2)]
    [InlineData(12, 97, 100, 20)]
    public void Axis_scales_are_nice_and_include_zero(double min, double max, double niceMax, double step)
    {
        (double lo, double hi, double s) = ChartRenderer.NiceScale(min, max);

        Assert.Equal(step, s, 9);
        Assert.Equal(niceMax, hi, 9);
        Assert.True(lo <= Math.Min(0, min) && lo > Math.Min(0, min) - s);
    }

    [Theory]
    [InlineData(1_200_000, 200_000, ValueFormat.Money, "$1.2M")]
    [InlineData(2_000_000, 500_000, ValueFormat.Money, "$2M")]
    [InlineData(1_250_000, 250_000, ValueFormat.Money, "$1.25M")]
    [InlineData(450_000, 50_000, ValueFormat.Money, "$450k")]
    [InlineData(-1_500_000, 500_000, ValueFormat.Money, "−$1.5M")]
    [InlineData(0, 500_000, ValueFormat.Money, "$0")]
    [InlineData(0.45, 0.05, ValueFormat.Percent, "45%")]
    [InlineData(0.025, 0.005, ValueFormat.Percent, "2.5%")]
    [InlineData(1500, 500, ValueFormat.Number, "1.5k")]
    [InlineData(40, 10, ValueFormat.Number, "40")]
    public void Tick_labels_read_like_the_replies(double value, double step, ValueFormat format, string expected)
    {
        Assert.Equal(expected, ChartRenderer.FormatTick(value, step, format));
    }

    private static (byte, byte, byte) Tuple(Rgb c) => (c.R, c.G, c.B);

    /// <summary>The first row where more than half the pixels have <paramref name="color"/> (grid and axis lines).</summary>
    private static int RowWhere(DecodedPng image, (byte, byte, byte) color) =>
        Enumerable.Range(0, image.Height).First(y => Enumerable.Range(0, image.Width).Count(x => image[x, y] == color) > image.Width / 2);

    private static (int left, int right, int top, int bottom) Box(DecodedPng image, (byte, byte, byte) color, int x0, int x1)
    {
        int left = int.MaxValue, right = -1, top = int.MaxValue, bottom = -1;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                if (image[x, y] == color)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        Assert.True(right >= 0, $"no pixel of {color} between x={x0} and {x1}");
        return (left, right, top, bottom);
    }
}
