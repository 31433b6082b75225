namespace CopilotBot.Charts;

public enum ChartKind
{
    /// <summary>One polyline per series over the labels, with an optional shaded interval band.</summary>
    Line,

    /// <summary>Grouped bars: one group per label, one bar per series, from zero.</summary>
    Bar,
}

/// <summary>How values read on the y axis.</summary>
public enum ValueFormat
{
    /// <summary>1,250 → 1.3k; 2,000,000 → 2M.</summary>
    Number,

    /// <summary>Dollars: $1.2M, $450k, $900.</summary>
    Money,

    /// <summary>Fractions shown as percentages: 0.45 → 45%.</summary>
    Percent,
}

/// <summary>A named series; <see cref="double.NaN"/> marks a missing value (a gap in a line, no bar).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values)
{
    /// <summary>Draw the line dashed (e.g. a forecast next to what happened).</summary>
    public bool Dashed { get; init; }
}

/// <summary>An interval shaded between <see cref="Low"/> and <see cref="High"/> (line charts), e.g. a 90% interval.</summary>
public sealed record ChartBand(string Name, IReadOnlyList<double> Low, IReadOnlyList<double> High);

/// <summary>
/// What to draw: a title, the x labels (one per point or bar group) and the series, each with one value per label.
/// Rules (checked by <see cref="ChartRenderer"/>): 1–<see cref="MaxSeries"/> series, every series and band as long as
/// <see cref="Labels"/>, no infinite values, size within <see cref="MinSize"/>–<see cref="MaxSize"/>. No labels, or only
/// NaN values, is not an error: the image says "No data".
/// </summary>
public sealed record ChartSpec(ChartKind Kind, string Title, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series)
{
    public const int MaxSeries = 6;
    public const int MinSize = 120;
    public const int MaxSize = 1600;

    public ChartBand? Band { get; init; }

    public ValueFormat Format { get; init; } = ValueFormat.Number;

    public int Width { get; init; } = 640;

    public int Height { get; init; } = 320;

    /// <summary>
    /// Everything that decides the picture, as one string: two specs with the same key draw the same bytes (the records'
    /// own equality compares their lists by reference, so two answers drawing the same chart would not be equal).
    /// </summary>
    public string ContentKey()
    {
        var key = new System.Text.StringBuilder();
        key.Append((int)Kind).Append('|').Append((int)Format).Append('|').Append(Width).Append('x').Append(Height).Append('|').Append(Title.Length).Append(':').Append(Title);
        foreach (string label in Labels)
        {
            key.Append('|').Append(label.Length).Append(':').Append(label);
        }

        foreach (ChartSeries series in Series)
        {
            key.Append("|s").Append(series.Dashed ? 'd' : 'l').Append(series.Name.Length).Append(':').Append(series.Name);
            Values(series.Values);
        }

        if (Band is { } band)
        {
            key.Append("|b").Append(band.Name.Length).Append(':').Append(band.Name);
            Values(band.Low);
            Values(band.High);
        }

        return key.ToString();

        void Values(IReadOnlyList<double> values)
        {
            foreach (double v in values)
            {
                key.Append(',').Append(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
