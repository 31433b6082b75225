using CopilotBot.Charts;

namespace CopilotBot.Charts.Tests;

/// <summary>
/// A chart is drawn once per picture (the card layer caches by <see cref="ChartSpec.ContentKey"/>): specs built apart with
/// the same content share a key, and anything that changes the picture changes it.
/// </summary>
public sealed class ChartSpecKeyTests
{
    private static ChartSpec Spec() => new(ChartKind.Line, "ARR at risk", ["Oct", "Nov"], [new ChartSeries("Expected", [1.5, 2.25])])
    {
        Band = new ChartBand("90% interval", [1.0, 2.0], [2.0, 3.0]),
        Format = ValueFormat.Money,
    };

    [Fact]
    public void Specs_built_apart_with_the_same_content_share_a_key_and_draw_the_same_bytes()
    {
        ChartSpec a = Spec(), b = Spec();

        Assert.NotEqual(a, b); // the record compares its lists by reference
        Assert.Equal(a.ContentKey(), b.ContentKey());
        Assert.Equal(ChartRenderer.RenderPng(a), ChartRenderer.RenderPng(b));
    }

    [Fact]
    public void Every_change_that_shows_in_the_picture_changes_the_key()
    {
        ChartSpec spec = Spec();
        ChartSpec[] changed =
        [
            spec with { Title = "ARR at risk " },
            spec with { Kind = ChartKind.Bar },
            spec with { Format = ValueFormat.Number },
            spec with { Width = 641 },
            spec with { Height = 321 },
            spec with { Labels = ["Oct", "Dec"] },
            spec with { Labels = ["Oct|", "Nov"] }, // a separator inside a label cannot pass for another label
            spec with { Series = [new ChartSeries("Expected", [1.5, 2.2500001])] },
            spec with { Series = [new ChartSeries("Expected", [1.5, 2.25]) { Dashed = true }] },
            spec with { Series = [new ChartSeries("Expected ", [1.5, 2.25])] },
            spec with { Series = [new ChartSeries("Expected", [1.5, double.NaN])] },
            spec with { Band = null },
            spec with { Band = new ChartBand("90% interval", [1.0, 2.0], [2.0, 3.5]) },
        ];

        string[] keys = [spec.ContentKey(), .. changed.Select(c => c.ContentKey())];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }
}
