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
}
