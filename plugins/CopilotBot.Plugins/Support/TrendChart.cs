using System.Globalization;
using CopilotBot.Charts;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Plugins.Support;

/// <summary>The support-trends chart: conversations and negative conversations per day or week, with alt text in words.</summary>
internal static class TrendChart
{
    public static CardChart? Build(IReadOnlyList<(DateOnly Start, int Count, int Negative)> buckets, bool daily, IReadOnlyList<DateOnly> spikes)
    {
        if (buckets.Count < 2)
        {
            return null; // one bucket is not a trend; the table says it
        }

        string unit = daily ? "day" : "week";
        var spec = new ChartSpec(
            ChartKind.Line,
            $"Support conversations by {unit}",
            buckets.Select(b => b.Start.ToString("MMM d", CultureInfo.InvariantCulture)).ToList(),
            [
                new ChartSeries("Conversations", buckets.Select(b => (double)b.Count).ToList()),
                new ChartSeries("Negative", buckets.Select(b => (double)b.Negative).ToList()),
            ]);
        var busiest = buckets.MaxBy(b => b.Count);
        var worst = buckets.MaxBy(b => b.Negative);
        int firstHalf = buckets.Take(buckets.Count / 2).Sum(b => b.Negative), secondHalf = buckets.Skip(buckets.Count - (buckets.Count / 2)).Sum(b => b.Negative);
        string direction = secondHalf > firstHalf * 1.1 ? "rising" : secondHalf < firstHalf * 0.9 ? "falling" : "about flat";
        string alt = $"Line chart of support conversations and negative conversations per {unit} from {Format.Iso(buckets[0].Start)} to {Format.Iso(buckets[^1].Start)}: " +
            $"busiest {unit} {Format.Iso(busiest.Start)} with {busiest.Count}; most negative {Format.Iso(worst.Start)} with {worst.Negative}; " +
            $"negative volume {direction} ({firstHalf} in the first half, {secondHalf} in the second)" +
            (spikes.Count > 0 ? $"; spikes on {string.Join(", ", spikes.Select(Format.Iso))}." : "; no spikes.");
        return new CardChart(spec, alt);
    }
}
