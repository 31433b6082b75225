using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Demo;
using Xunit.Abstractions;

namespace CopilotBot.Plugins.Tests;

public sealed class ChurnModelTests(DemoWorkspaceFixture fixture, ITestOutputHelper output) : IClassFixture<DemoWorkspaceFixture>
{
    [Fact]
    public async Task Score_RanksTheAccountsHeadingForChurnFirst_OnTheDemoPortfolio()
    {
        IReadOnlyList<AccountRisk> risks = await fixture.Risk.ScoreAsync(CancellationToken.None);
        var truth = fixture.Portfolio.Trajectories;
        bool Heading(string id) => truth[id] is DemoTrajectory.AtRiskWithin7Days or DemoTrajectory.AtRiskWithin30Days or DemoTrajectory.AtRiskWithin90Days;
        int heading = risks.Count(r => Heading(r.Account.Id));
        int hitsInTop = risks.Take(heading).Count(r => Heading(r.Account.Id));
        var m = fixture.Bundle.Metrics;
        output.WriteLine($"holdout AUC90 {m.HoldoutAuc90:0.000} Brier {m.HoldoutBrier90:0.000} on {m.HoldoutAccounts} accounts; rows {string.Join(",", m.Rows)} positives {string.Join(",", m.Positives)}");
        output.WriteLine($"heading for churn: {heading}; found in top {heading}: {hitsInTop}");
        foreach (var r in risks.Take(15))
        {
            output.WriteLine($"{r.Account.Id} {truth[r.Account.Id],-20} {r.Within7:0.00} {r.Within30:0.00} {r.Probability:0.00} {r.Urgency} {r.TopDriver?.Text}");
        }

        foreach (var g in risks.GroupBy(r => truth[r.Account.Id]))
        {
            output.WriteLine($"{g.Key}: mean risk {g.Average(r => r.Probability):0.000}; urgency {string.Join(", ", g.GroupBy(r => r.Urgency).Select(u => $"{u.Key}={u.Count()}"))}");
        }

        // Useful but not absurdly sure (issue #16): the demo's churners are no longer trivially separable, so the held-out
        // AUC sits where real churn models do, and most (not all) accounts heading for churn rank at the top.
        Assert.True(m.HoldoutAuc90 is > 0.75 and < 0.97, $"holdout AUC {m.HoldoutAuc90}");
        Assert.True(hitsInTop >= heading * 0.4, $"{hitsInTop} of {heading}");

        // Urgency follows the story the data tells: the ~7-day accounts are the most urgent, healthy ones the least.
        double MeanUrgency(DemoTrajectory t) => risks.Where(r => truth[r.Account.Id] == t).Average(r => (int)r.Urgency);
        Assert.True(MeanUrgency(DemoTrajectory.AtRiskWithin7Days) < MeanUrgency(DemoTrajectory.AtRiskWithin30Days));
        Assert.True(MeanUrgency(DemoTrajectory.AtRiskWithin30Days) < MeanUrgency(DemoTrajectory.AtRiskWithin90Days));
        Assert.True(MeanUrgency(DemoTrajectory.AtRiskWithin90Days) < MeanUrgency(DemoTrajectory.Healthy));

        // Some healthy accounts dip or talk about cancelling and stay (false alarms), but few of them look red.
        var healthy = risks.Where(r => truth[r.Account.Id] == DemoTrajectory.Healthy).ToList();
        Assert.True(healthy.Count(r => r.Probability >= 0.5) <= healthy.Count * 0.05, $"{healthy.Count(r => r.Probability >= 0.5)} of {healthy.Count} healthy accounts at ≥50%");
    }
}
