using System.Globalization;

namespace CopilotBot.Charts;

/// <summary>
/// Lays out and draws a <see cref="ChartSpec"/> and encodes it as an indexed-colour PNG: title, legend (when there is more
/// than one thing to name), a y axis with "nice" ticks (1, 2, 5 × 10ⁿ, always including zero) and formatted labels
/// ($1.2M, 45%), x labels thinned from the latest backwards when they would collide, then the band, lines or bars.
/// The same spec always gives the same bytes.
/// </summary>
public static class ChartRenderer
{
    public static readonly Rgb Background = new(0xFF, 0xFF, 0xFF);
    public static readonly Rgb Ink = new(0x1F, 0x23, 0x28);
    public static readonly Rgb Subtle = new(0x6E, 0x77, 0x81);
    public static readonly Rgb Grid = new(0xE4, 0xE7, 0xEB);

    /// <summary>Series colours, in order (blue, orange, green, red, purple, teal).</summary>
    public static readonly IReadOnlyList<Rgb> SeriesColors =
    [
        new(0x25, 0x63, 0xEB), new(0xEA, 0x58, 0x0C), new(0x16, 0xA3, 0x4A), new(0xDC, 0x26, 0x26), new(0x7C, 0x3A, 0xED), new(0x08, 0x91, 0xB2),
    ];

    /// <summary>The shaded interval: the first series' colour, light.</summary>
    public static readonly Rgb BandColor = Rgb.Blend(Background, SeriesColors[0], 0.22);

    private const int Pad = 10;
    private const int Swatch = BitmapFont.CapHeight - 2;

    // Below the plot: clear of the lowest tick label, which is centred on its grid line.
    private const int XLabelGap = (BitmapFont.CapHeight / 2) + 4;
    private const int MaxLabelChars = 16;
    private static readonly IReadOnlyList<Rgb> Palette = BuildPalette();

    /// <summary>Renders <paramref name="spec"/> as PNG bytes.</summary>
    /// <exception cref="ArgumentException">The spec breaks a rule (see <see cref="ChartSpec"/>); the message says which.</exception>
    /// <remarks>
    /// Antialiased first; a chart whose PNG would pass <see cref="SizeBudgetBytes"/> (many jagged series) is drawn again with
    /// hard edges, which compresses far better, so a chart fits a card sent inline.
    /// </remarks>
    public static byte[] RenderPng(ChartSpec spec)
    {
        byte[] png = Encode(Draw(spec, antialias: true));
        return png.Length <= SizeBudgetBytes ? png : Encode(Draw(spec, antialias: false));

        static byte[] Encode(Canvas canvas) => PngEncoder.EncodeIndexed(canvas.Width, canvas.Height, Quantize(canvas), Palette);
    }

    /// <summary>Past this size the chart is redrawn without antialiasing.</summary>
    public const int SizeBudgetBytes = 12 * 1024;

    /// <summary>Draws <paramref name="spec"/> on a canvas (before quantizing to the palette).</summary>
    public static Canvas Draw(ChartSpec spec, bool antialias = true)
    {
        Validate(spec);
        var canvas = new Canvas(spec.Width, spec.Height, Background) { Antialias = antialias };
        int right = spec.Width - Pad;
        canvas.Text(Fit(spec.Title, right - Pad, bold: true), Pad, Pad, Ink, bold: true);

        int top = Pad + BitmapFont.LineHeight + 6;
        bool legend = spec.Series.Count > 1 || spec.Band is not null;
        if (legend)
        {
            DrawLegend(canvas, spec, top);
            top += BitmapFont.LineHeight + 8;
        }

        top += BitmapFont.CapHeight / 2; // room for the top tick's label, centred on its line
        int bottom = spec.Height - Pad - BitmapFont.LineHeight - XLabelGap;
        if (spec.Labels.Count == 0 || AllMissing(spec) || bottom - top < 20)
        {
            const string none = "No data";
            canvas.Text(none, (spec.Width - BitmapFont.Measure(none)) / 2, ((top + bottom) / 2) - (BitmapFont.CapHeight / 2), Subtle);
            return canvas;
        }

        (double min, double max, double step) = NiceScale(spec);
        var ticks = new List<double>();
        for (double t = min; t <= max + (step / 2); t += step)
        {
            ticks.Add(Math.Abs(t) < step / 1e6 ? 0 : t);
        }

        var tickLabels = ticks.Select(t => FormatTick(t, step, spec.Format)).ToList();
        int left = Pad + tickLabels.Max(l => BitmapFont.Measure(l)) + 6;
        double Y(double v) => bottom - ((v - min) / (max - min) * (bottom - top));

        for (int i = 0; i < ticks.Count; i++)
        {
            int y = (int)Math.Round(Y(ticks[i]));
            canvas.FillRect(left, y, right, y + 1, ticks[i] == 0 ? Subtle : Grid);
            canvas.Text(tickLabels[i], left - 6 - BitmapFont.Measure(tickLabels[i]), y - (BitmapFont.CapHeight / 2), Subtle);
        }

        int n = spec.Labels.Count;
        double[] xs;
        double slot;
        if (spec.Kind == ChartKind.Bar)
        {
            slot = (right - left) / (double)n;
            xs = Enumerable.Range(0, n).Select(i => left + ((i + 0.5) * slot)).ToArray();
            DrawBars(canvas, spec, xs, slot, Y);
        }
        else
        {
            const int inset = 12;
            slot = n == 1 ? right - left : (right - left - (2.0 * inset)) / (n - 1);
            xs = n == 1 ? [(left + right) / 2.0] : Enumerable.Range(0, n).Select(i => left + inset + (i * slot)).ToArray();
            if (spec.Band is { } band)
            {
                DrawBand(canvas, band, xs, Y);
            }

            for (int s = 0; s < spec.Series.Count; s++)
            {
                DrawLine(canvas, spec.Series[s], xs, Y, SeriesColors[s], markers: n <= 16);
            }
        }

        DrawXLabels(canvas, spec.Labels, xs, slot, bottom + XLabelGap);
        return canvas;
    }

    /// <summary>"Nice" axis bounds and step: about five ticks on 1/2/5 × 10ⁿ steps, covering the data and zero.</summary>
    public static (double Min, double Max, double Step) NiceScale(double dataMin, double dataMax, int ticks = 5)
    {
        double lo = Math.Min(0, dataMin), hi = Math.Max(0, dataMax);
        if (hi - lo <= 0)
        {
            hi = lo + 1;
        }

        double step = Nice((hi - lo) / (ticks - 1), round: true);
        double min = Math.Floor(lo / step) * step, max = Math.Ceiling(hi / step) * step;
        return (min, max == min ? min + step : max, step);
    }

    /// <summary>A tick label: money with k/M units ($1.2M), fractions as percentages (45%), numbers with k/M; decimals as the step needs.</summary>
    public static string FormatTick(double value, double step, ValueFormat format)
    {
        string sign = value < 0 ? "−" : string.Empty;
        double v = Math.Abs(value);
        if (format == ValueFormat.Percent)
        {
            return sign + Number(v * 100, step * 100) + "%";
        }

        double unit = Math.Max(v, step) >= 1e6 ? 1e6 : Math.Max(v, step) >= 1e3 ? 1e3 : 1;
        string suffix = unit == 1e6 ? "M" : unit == 1e3 ? "k" : string.Empty;
        return sign + (format == ValueFormat.Money ? "$" : string.Empty) + Number(v / unit, step / unit) + (v == 0 ? string.Empty : suffix);

        static string Number(double x, double stepInUnits)
        {
            // As many decimals as the step needs to be exact (0.25 → 2), at most 3.
            int decimals = 0;
            while (decimals < 3 && Math.Abs((stepInUnits * Math.Pow(10, decimals)) - Math.Round(stepInUnits * Math.Pow(10, decimals))) > 1e-6)
            {
                decimals++;
            }

            string text = x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
        }
    }

    private static (double Min, double Max, double Step) NiceScale(ChartSpec spec)
    {
        IEnumerable<double> values = spec.Series.SelectMany(s => s.Values);
        if (spec.Band is { } band)
        {
            values = values.Concat(band.Low).Concat(band.High);
        }

        var finite = values.Where(double.IsFinite).ToList();
        return NiceScale(finite.Min(), finite.Max());
    }

    private static double Nice(double x, bool round)
    {
        double exponent = Math.Floor(Math.Log10(x));
        double fraction = x / Math.Pow(10, exponent);
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }

    private static void Validate(ChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Width is < ChartSpec.MinSize or > ChartSpec.MaxSize || spec.Height is < ChartSpec.MinSize or > ChartSpec.MaxSize)
        {
            throw new ArgumentException($"A chart is {ChartSpec.MinSize}–{ChartSpec.MaxSize} pixels on each side, not {spec.Width}×{spec.Height}.", nameof(spec));
        }

        if (spec.Series.Count is 0 or > ChartSpec.MaxSeries)
        {
            throw new ArgumentException($"A chart needs 1–{ChartSpec.MaxSeries} series, not {spec.Series.Count}.", nameof(spec));
        }

        foreach (ChartSeries series in spec.Series)
        {
            Check(series.Values, $"series '{series.Name}'");
        }

        if (spec.Band is { } band)
        {
            if (spec.Kind != ChartKind.Line)
            {
                throw new ArgumentException("An interval band is drawn on line charts only.", nameof(spec));
            }

            Check(band.Low, $"band '{band.Name}' (low)");
            Check(band.High, $"band '{band.Name}' (high)");
        }

        void Check(IReadOnlyList<double> values, string what)
        {
            if (values.Count != spec.Labels.Count)
            {
                throw new ArgumentException($"The {what} has {values.Count} values for {spec.Labels.Count} labels; give one value per label (NaN for a missing one).", nameof(spec));
            }

            for (int i = 0; i < values.Count; i++)
            {
                if (double.IsInfinity(values[i]))
                {
                    throw new ArgumentException($"The {what} has an infinite value at '{spec.Labels[i]}' (position {i}); use NaN for a missing value.", nameof(spec));
                }
            }
        }
    }

    private static bool AllMissing(ChartSpec spec) => spec.Series.All(s => s.Values.All(double.IsNaN));

    private static void DrawLegend(Canvas canvas, ChartSpec spec, int y)
    {
        int x = Pad;
        int limit = spec.Width - Pad;
        var entries = new List<(string Name, Action<int> Swatch, int SwatchWidth)>();
        for (int s = 0; s < spec.Series.Count; s++)
        {
            Rgb color = SeriesColors[s];
            ChartSeries series = spec.Series[s];
            if (spec.Kind == ChartKind.Bar)
            {
                entries.Add((series.Name, sx => canvas.FillRect(sx, y + 1, sx + Swatch, y + 1 + Swatch, color), Swatch));
            }
            else
            {
                entries.Add((series.Name, sx => canvas.Line(sx, y + (BitmapFont.CapHeight / 2), sx + 24, y + (BitmapFont.CapHeight / 2), 3, color, series.Dashed ? 5 : 0), 24));
            }
        }

        if (spec.Band is { } band)
        {
            entries.Add((band.Name, sx => canvas.FillRect(sx, y + 1, sx + Swatch, y + 1 + Swatch, BandColor), Swatch));
        }

        foreach ((string name, Action<int> swatch, int swatchWidth) in entries)
        {
            string label = Fit(name, limit - x - swatchWidth - 6);
            if (label.Length == 0)
            {
                break;
            }

            swatch(x);
            canvas.Text(label, x + swatchWidth + 6, y, Ink);
            x += swatchWidth + 6 + BitmapFont.Measure(label) + 18;
        }
    }

    private static void DrawBand(Canvas canvas, ChartBand band, double[] xs, Func<double, double> y)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            bool here = double.IsFinite(band.Low[i]) && double.IsFinite(band.High[i]);
            if (here && (i + 1 >= xs.Length || !double.IsFinite(band.Low[i + 1]) || !double.IsFinite(band.High[i + 1])))
            {
                // A band point without a neighbour: a short bar, so it still shows.
                bool joined = i > 0 && double.IsFinite(band.Low[i - 1]) && double.IsFinite(band.High[i - 1]);
                if (!joined)
                {
                    for (int x = (int)Math.Round(xs[i]) - 3; x <= (int)Math.Round(xs[i]) + 3; x++)
                    {
                        canvas.FillSpan(x, y(band.Low[i]), y(band.High[i]), BandColor);
                    }
                }

                continue;
            }

            if (!here)
            {
                continue;
            }

            int from = (int)Math.Round(xs[i]), to = (int)Math.Round(xs[i + 1]);
            for (int x = from; x < to; x++)
            {
                double t = (x + 0.5 - xs[i]) / (xs[i + 1] - xs[i]);
                double lo = band.Low[i] + ((band.Low[i + 1] - band.Low[i]) * t);
                double hi = band.High[i] + ((band.High[i + 1] - band.High[i]) * t);
                canvas.FillSpan(x, y(lo), y(hi), BandColor);
            }
        }
    }

    private static void DrawLine(Canvas canvas, ChartSeries series, double[] xs, Func<double, double> y, Rgb color, bool markers)
    {
        var run = new List<(double X, double Y)>();
        for (int i = 0; i <= xs.Length; i++)
        {
            if (i < xs.Length && double.IsFinite(series.Values[i]))
            {
                run.Add((xs[i], y(series.Values[i])));
                continue;
            }

            if (run.Count > 0)
            {
                canvas.Polyline(run, run.Count == 1 ? 6 : 2, color, series.Dashed ? 5 : 0);
                if (markers && run.Count > 1)
                {
                    foreach ((double px, double py) in run)
                    {
                        canvas.Polyline([(px, py)], 5, color);
                    }
                }

                run.Clear();
            }
        }
    }

    private static void DrawBars(Canvas canvas, ChartSpec spec, double[] xs, double slot, Func<double, double> y)
    {
        double group = slot * 0.72;
        double barWidth = group / spec.Series.Count;
        int zero = (int)Math.Round(y(0));
        for (int i = 0; i < xs.Length; i++)
        {
            for (int s = 0; s < spec.Series.Count; s++)
            {
                double v = spec.Series[s].Values[i];
                if (!double.IsFinite(v))
                {
                    continue;
                }

                int x0 = (int)Math.Round(xs[i] - (group / 2) + (s * barWidth));
                int x1 = Math.Max(x0 + 1, (int)Math.Round(xs[i] - (group / 2) + ((s + 1) * barWidth)) - (spec.Series.Count > 1 ? 1 : 0));
                int top = (int)Math.Round(y(v));
                canvas.FillRect(x0, Math.Min(top, zero), x1, Math.Max(top, zero) + (top == zero ? 1 : 0), SeriesColors[s]);
            }
        }
    }

    private static void DrawXLabels(Canvas canvas, IReadOnlyList<string> labels, double[] xs, double slot, int y)
    {
        var fitted = labels.Select(l => Fit(l.Length > MaxLabelChars ? l[..(MaxLabelChars - 1)] + "…" : l, canvas.Width - (2 * Pad))).ToList();
        int widest = fitted.Max(l => BitmapFont.Measure(l));
        int every = labels.Count == 1 ? 1 : Math.Max(1, (int)Math.Ceiling((widest + 16) / slot));
        // Thinned from the latest backwards: the most recent point is the one people read first.
        for (int i = labels.Count - 1; i >= 0; i -= every)
        {
            int w = BitmapFont.Measure(fitted[i]);
            int x = Math.Clamp((int)Math.Round(xs[i] - (w / 2.0)), 0, Math.Max(0, canvas.Width - w));
            canvas.Text(fitted[i], x, y, Subtle);
        }
    }

    /// <summary><paramref name="text"/>, shortened with "…" to fit <paramref name="width"/> pixels ("" when nothing fits).</summary>
    private static string Fit(string text, int width, bool bold = false)
    {
        text = text.Replace('\n', ' ').Replace('\r', ' ');
        if (BitmapFont.Measure(text, bold) <= width)
        {
            return text;
        }

        for (int n = text.Length - 1; n > 0; n--)
        {
            string cut = text[..n].TrimEnd() + "…";
            if (BitmapFont.Measure(cut, bold) <= width)
            {
                return cut;
            }
        }

        return string.Empty;
    }

    private static List<Rgb> BuildPalette()
    {
        var palette = new List<Rgb> { Background, Ink, Subtle, Grid, BandColor };
        palette.AddRange(SeriesColors);
        double[] levels = [0.2, 0.4, 0.6, 0.8];
        foreach (Rgb ink in new[] { Ink, Subtle }.Concat(SeriesColors))
        {
            palette.AddRange(levels.Select(a => Rgb.Blend(Background, ink, a)));
        }

        // Lines drawn over the band and over grid lines.
        foreach (Rgb series in SeriesColors)
        {
            palette.AddRange(new[] { 0.35, 0.7 }.Select(a => Rgb.Blend(BandColor, series, a)));
        }

        return palette.Distinct().ToList();
    }

    /// <summary>Palette index by packed colour, for the colours charts have drawn (antialiased blends: some thousands).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> NearestOf = new();
    private const int NearestOfCapacity = 1 << 16;

    private static byte[] Quantize(Canvas canvas)
    {
        ReadOnlySpan<Rgb> pixels = canvas.Pixels;
        var indices = new byte[pixels.Length];
        // Most pixels repeat the one before (background, a line's run), so the packed colour is looked up only when it
        // changes; the nearest palette entry of each colour is computed once per process (charts share their blends).
        int last = -1;
        byte lastIndex = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            Rgb c = pixels[i];
            int key = (c.R << 16) | (c.G << 8) | c.B;
            if (key != last)
            {
                if (!NearestOf.TryGetValue(key, out lastIndex))
                {
                    lastIndex = Nearest(c);
                    if (NearestOf.Count < NearestOfCapacity)
                    {
                        NearestOf[key] = lastIndex;
                    }
                }

                last = key;
            }

            indices[i] = lastIndex;
        }

        return indices;
    }

    private static byte Nearest(Rgb c)
    {
        int best = 0, bestDistance = int.MaxValue;
        for (int i = 0; i < Palette.Count; i++)
        {
            int dr = c.R - Palette[i].R, dg = c.G - Palette[i].G, db = c.B - Palette[i].B;
            int d = (2 * dr * dr) + (4 * dg * dg) + (3 * db * db);
            if (d < bestDistance)
            {
                (best, bestDistance) = (i, d);
            }
        }

        return (byte)best;
    }
}
