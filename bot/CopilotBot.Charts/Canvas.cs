namespace CopilotBot.Charts;

/// <summary>
/// A small RGB raster with the few operations charts need: rectangles, antialiased lines and polylines of any width (solid
/// or dashed), vertical spans for shaded bands, and bitmap text. Antialiasing is by coverage: a pixel's ink is how far its
/// centre lies inside the stroke (distance to the segment against half the width, over one pixel), so strokes get round
/// caps and joins. A polyline is accumulated as maximum coverage first and composited once, so joins are not darkened.
/// </summary>
public sealed class Canvas
{
    private readonly Rgb[] _pixels;

    public Canvas(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _pixels = new Rgb[width * height];
        Array.Fill(_pixels, background);
    }

    public int Width { get; }

    /// <summary>Soft edges on strokes and spans; off, a pixel is inked when at least half covered (fewer colours, smaller PNGs).</summary>
    public bool Antialias { get; init; } = true;

    public int Height { get; }

    public Rgb this[int x, int y] => _pixels[(y * Width) + x];

    /// <summary>Every pixel, row by row.</summary>
    public ReadOnlySpan<Rgb> Pixels => _pixels;

    public void Set(int x, int y, Rgb color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            _pixels[(y * Width) + x] = color;
        }
    }

    public void Blend(int x, int y, Rgb color, double alpha)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height && alpha > 0)
        {
            int i = (y * Width) + x;
            _pixels[i] = alpha >= 1 ? color : Rgb.Blend(_pixels[i], color, alpha);
        }
    }

    /// <summary>Fills the pixels x0 ≤ x &lt; x1, y0 ≤ y &lt; y1 (clipped).</summary>
    public void FillRect(int x0, int y0, int x1, int y1, Rgb color)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
        {
            for (int x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
            {
                _pixels[(y * Width) + x] = color;
            }
        }
    }

    /// <summary>Fills column <paramref name="x"/> between two (fractional) heights, softening the two ends.</summary>
    public void FillSpan(int x, double yTop, double yBottom, Rgb color)
    {
        if (yTop > yBottom)
        {
            (yTop, yBottom) = (yBottom, yTop);
        }

        for (int y = (int)Math.Floor(yTop); y <= (int)Math.Ceiling(yBottom); y++)
        {
            double coverage = Math.Clamp(Math.Min(y + 1, yBottom) - Math.Max(y, yTop), 0, 1);
            Blend(x, y, color, Antialias ? coverage : coverage >= 0.5 ? 1 : 0);
        }
    }

    public void Line(double x0, double y0, double x1, double y1, double width, Rgb color, double dash = 0) =>
        Polyline([(x0, y0), (x1, y1)], width, color, dash);

    /// <summary>
    /// Strokes the points in order. <paramref name="dash"/> &gt; 0 draws dashes of that length with gaps of the same length,
    /// measured along the whole polyline.
    /// </summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, double width, Rgb color, double dash = 0)
    {
        if (points.Count == 0)
        {
            return;
        }

        double half = width / 2;
        var coverage = new Dictionary<int, double>();
        double travelled = 0;
        for (int s = 0; s < Math.Max(1, points.Count - 1); s++)
        {
            (double ax, double ay) = points[s];
            (double bx, double by) = points[Math.Min(s + 1, points.Count - 1)];
            double dx = bx - ax, dy = by - ay, length2 = (dx * dx) + (dy * dy), length = Math.Sqrt(length2);
            int xMin = (int)Math.Floor(Math.Min(ax, bx) - half - 1), xMax = (int)Math.Ceiling(Math.Max(ax, bx) + half + 1);
            int yMin = (int)Math.Floor(Math.Min(ay, by) - half - 1), yMax = (int)Math.Ceiling(Math.Max(ay, by) + half + 1);
            for (int y = Math.Max(0, yMin); y <= Math.Min(Height - 1, yMax); y++)
            {
                for (int x = Math.Max(0, xMin); x <= Math.Min(Width - 1, xMax); x++)
                {
                    double px = x + 0.5 - ax, py = y + 0.5 - ay;
                    double t = length2 == 0 ? 0 : Math.Clamp(((px * dx) + (py * dy)) / length2, 0, 1);
                    if (dash > 0 && ((travelled + (t * length)) % (2 * dash)) >= dash)
                    {
                        continue;
                    }

                    double ex = px - (t * dx), ey = py - (t * dy);
                    double c = Math.Clamp(half + 0.5 - Math.Sqrt((ex * ex) + (ey * ey)), 0, 1);
                    c = Antialias ? c : c >= 0.5 ? 1 : 0;
                    if (c > 0)
                    {
                        int key = (y * Width) + x;
                        coverage[key] = Math.Max(coverage.GetValueOrDefault(key), c);
                    }
                }
            }

            travelled += length;
        }

        // Composite in pixel order so the result does not depend on dictionary order.
        foreach (int key in coverage.Keys.Order())
        {
            Blend(key % Width, key / Width, color, coverage[key]);
        }
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y); bold repeats it one pixel to the right.</summary>
    public void Text(string text, int x, int y, Rgb color, bool bold = false)
    {
        BitmapFont.Draw(text, x, y, (px, py) => Set(px, py, color), bold);
    }
}
