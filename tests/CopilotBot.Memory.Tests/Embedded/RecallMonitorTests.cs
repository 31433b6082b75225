using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

public sealed class RecallMonitorTests
{
    [Fact]
    public void NProbe_StaysCalibrated_UntilEnoughSamples()
    {
        var monitor = new RecallMonitor(nlist: 100, targetRecall: 0.9, initialNProbe: 7);

        for (int i = 0; i < RecallMonitor.MinSamples - 1; i++)
        {
            monitor.Record([50, 60, 70, 80, 90, 95, 96, 97, 98, 99]);
        }

        Assert.Equal(7, monitor.NProbe);
    }

    [Fact]
    public void NProbe_CoversTargetShareOfNeighbours_WhenSampled()
    {
        var monitor = new RecallMonitor(nlist: 100, targetRecall: 0.9, initialNProbe: 1);

        for (int i = 0; i < RecallMonitor.MinSamples; i++)
        {
            // Nine neighbours in the first 20 lists, one in list 80: 90% needs 20 lists.
            monitor.Record([0, 0, 1, 2, 3, 5, 8, 13, 19, 80]);
        }

        Assert.Equal(20, monitor.NProbe);
        Assert.Equal(0.9, monitor.RecallAt(20), 6);
        Assert.Equal(0.8, monitor.RecallAt(19), 6);
    }

    [Fact]
    public void NProbe_FollowsNewQueries_WhenOldSamplesFade()
    {
        var monitor = new RecallMonitor(nlist: 100, targetRecall: 0.9, initialNProbe: 1);
        for (int i = 0; i < RecallMonitor.Window; i++)
        {
            monitor.Record([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        }

        for (int i = 0; i < 4 * RecallMonitor.Window; i++)
        {
            monitor.Record([0, 0, 0, 0, 0, 0, 0, 0, 40, 40]);
        }

        Assert.Equal(41, monitor.NProbe);
    }

    [Fact]
    public void ShouldSample_IsTrueForEveryQuery_UntilEnoughSamplesThenOneInFifty()
    {
        var monitor = new RecallMonitor(nlist: 10, targetRecall: 0.9, initialNProbe: 1);
        bool early = Enumerable.Range(0, 10).All(_ => monitor.ShouldSample());
        for (int i = 0; i < RecallMonitor.MinSamples; i++)
        {
            monitor.Record([0]);
        }

        int later = Enumerable.Range(0, 10 * RecallMonitor.SampleEvery).Count(_ => monitor.ShouldSample());

        Assert.True(early);
        Assert.Equal(10, later);
    }
}
