using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

public sealed class TopKTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 2)]
    [InlineData(10, 3)]
    [InlineData(100, 4)]
    public void Sorted_EqualsFullSort_WhenScoresHaveManyTies(int k, int seed)
    {
        // Scores from a handful of values, so ties at the cut are the rule, not the exception.
        var random = new Random(seed);
        (int Slot, float Score)[] items = [.. Enumerable.Range(0, 5_000).Select(slot => (slot, (float)random.Next(20)))];
        random.Shuffle(items);
        var top = new TopK(k);

        foreach ((int slot, float score) in items)
        {
            top.Add(score, slot);
        }

        var expected = items.OrderByDescending(i => i.Score).ThenBy(i => i.Slot).Take(k).ToArray();
        Assert.Equal(expected, top.Sorted());
    }

    [Fact]
    public void Merge_EqualsOneHeap_WhenPartitionsSplitTies()
    {
        var random = new Random(7);
        (int Slot, float Score)[] items = [.. Enumerable.Range(0, 2_000).Select(slot => (slot, (float)random.Next(5)))];
        var whole = new TopK(10);
        var first = new TopK(10);
        var second = new TopK(10);
        foreach ((int slot, float score) in items)
        {
            whole.Add(score, slot);
            (slot % 2 == 0 ? first : second).Add(score, slot);
        }

        first.Merge(second);

        Assert.Equal(whole.Sorted(), first.Sorted());
    }

    [Fact]
    public void Threshold_IsNegativeInfinity_UntilFull()
    {
        var top = new TopK(3);
        top.Add(0.5f, 1);
        top.Add(0.9f, 2);

        float before = top.Threshold;
        top.Add(0.7f, 3);

        Assert.Equal(float.NegativeInfinity, before);
        Assert.Equal(0.5f, top.Threshold);
    }
}
