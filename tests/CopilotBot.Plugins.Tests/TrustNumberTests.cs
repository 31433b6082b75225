using System.Text.Json;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Portfolio;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

/// <summary>Issue #16 §3: numbers that hold up (calibration, never 0%/100%, realistic demo churners, forecasts that explain themselves).</summary>
public sealed class TrustNumberTests(DemoWorkspaceFixture fixture) : IClassFixture<DemoWorkspaceFixture>
{
    [Theory]
    [InlineData(0.9999, ">99%")]
    [InlineData(0.996, ">99%")]
    [InlineData(0.994, "99%")]
    [InlineData(0.0001, "<1%")]
    [InlineData(0.0, "<1%")]
    [InlineData(0.42, "42%")]
    public void Risk_NeverReads100OrZeroPercent(double p, string shown) => Assert.Equal(shown, Format.Risk(p));

    [Theory]
    [InlineData(16_020, 16_410)]
    [InlineData(16_000, 16_000.2)]
    [InlineData(1_200_000, 1_204_000)]
    public void MoneyRange_NeverReadsAsOneNumber(double low, double high)
    {
        string range = Format.MoneyRange(low, high);
        string[] ends = range.Split('–');

        Assert.True(ends.Length == 1 ? range.Contains("no spread", StringComparison.Ordinal) : ends[0] != ends[1], range);
    }

    [Fact]
    public void TheWorkspaceModel_IsCalibratedOnHeldOutAccounts_WithAReliabilityTable()
    {
        ChurnModelMetrics m = fixture.Bundle.Metrics;

        Assert.NotNull(m.Reliability90);
        Assert.NotNull(m.HoldoutBrierUncalibrated90);
        Assert.True(m.HoldoutBrier90 <= m.HoldoutBrierUncalibrated90!.Value + 1e-9, $"calibrated {m.HoldoutBrier90} vs raw {m.HoldoutBrierUncalibrated90}");
        Assert.Equal(m.HoldoutRows90, m.Reliability90!.Sum(b => b.Count));

        // Held-out: over all rows the mean predicted probability is close to the observed churn rate.
        double predicted = m.Reliability90.Sum(b => b.MeanPredicted * b.Count) / m.Reliability90.Sum(b => b.Count);
        double observed = m.Reliability90.Sum(b => b.Observed * b.Count) / m.Reliability90.Sum(b => b.Count);
        Assert.InRange(predicted, observed * 0.7, observed * 1.3);
    }

    [Fact]
    public async Task NoShownRisk_Reads100Percent()
    {
        IReadOnlyList<AccountRisk> scores = await fixture.Risk.ScoreAsync(CancellationToken.None);

        Assert.DoesNotContain(scores, r => Format.Risk(r.Probability) is "100%" or "0%");
        Assert.All(scores, r => Assert.InRange(r.Probability, 0.0, 1.0));
    }

    [Fact]
    public void DemoChurners_AreNotTriviallySeparable()
    {
        // A quarter of the churners leave with little warning in usage, and some healthy accounts dip and come back: the
        // simple "usage fell a lot" rule no longer finds every churner or only churners.
        DemoPortfolio p = fixture.Portfolio;
        var usage = p.Usage.ToLookup(u => u.AccountId);
        // The fall from the account's best month to its lowest (after the first three, ramp-up, months): for a churner
        // over its last two months before leaving, for a healthy account over any two consecutive months.
        double Drop(Account a, bool churned)
        {
            var months = usage[a.Id].OrderBy(u => u.Month).Select(u => (double)u.ActiveUsers).ToList();
            if (months.Count < 6)
            {
                return 0;
            }

            double peak = months.Skip(3).Max();
            double low = churned ? months.TakeLast(2).Average() : Enumerable.Range(3, months.Count - 4).Min(i => (months[i] + months[i + 1]) / 2);
            return peak == 0 ? 0 : 1 - (low / peak);
        }

        var churned = p.Accounts.Where(a => a.Status == AccountStatus.Churned && usage[a.Id].Count() >= 6).ToList();
        var healthy = p.Accounts.Where(a => p.Trajectories[a.Id] == DemoTrajectory.Healthy && usage[a.Id].Count() >= 6).ToList();
        double quietChurners = churned.Count(a => Drop(a, true) < 0.3) / (double)churned.Count;
        double dippingHealthy = healthy.Count(a => Drop(a, false) >= 0.3) / (double)healthy.Count;

        Assert.True(quietChurners is >= 0.1 and <= 0.6, $"quiet churners {quietChurners:P0}");
        Assert.True(dippingHealthy is >= 0.02 and <= 0.3, $"healthy accounts with a dip {dippingHealthy:P0}");
    }

    [Fact]
    public async Task Forecast_DoesNotWaitLongForItsBacktestModels_SaysSo_AndHasThemWhenAskedAgain()
    {
        var held = new HeldBacktest(fixture.Risk);
        User admin = (await fixture.Workspace.Users.ListAsync(CancellationToken.None)).First(u => u.Role == UserRole.Admin);
        var caller = new CallerContext(admin, "web", "trust", DemoWorkspaceFixture.Today, fixture.Clock.GetUtcNow(), AccessScope.Everything);

        PluginResult first = await new PortfolioPlugin(held, fixture.Workspace.Accounts, backtestWait: TimeSpan.FromMilliseconds(200)).ForecastAsync(caller, horizonDays: 90);
        held.Release.SetResult();
        PluginResult again = await new PortfolioPlugin(held, fixture.Workspace.Accounts, backtestWait: TimeSpan.FromMinutes(10)).ForecastAsync(caller, horizonDays: 90);
        JsonElement pending = JsonSerializer.SerializeToElement(first.Data), done = JsonSerializer.SerializeToElement(again.Data);

        Assert.True(pending.GetProperty("backtest_pending").GetBoolean());
        Assert.Equal(0, pending.GetProperty("backtest_dates").GetInt32());
        Assert.Contains("still being computed", first.Text, StringComparison.Ordinal);
        Assert.True(pending.GetProperty("high").GetDouble() > pending.GetProperty("low").GetDouble());
        Assert.False(done.GetProperty("backtest_pending").GetBoolean());
        Assert.Equal(6, done.GetProperty("backtest_dates").GetInt32());
    }

    /// <summary>The workspace's own risk provider, with its backtest models held back until released (slow training).</summary>
    private sealed class HeldBacktest(IChurnRiskProvider inner) : IChurnRiskProvider
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateOnly Today => inner.Today;

        public Task<IReadOnlyList<AccountRisk>> ScoreAsync(CancellationToken cancellationToken) => inner.ScoreAsync(cancellationToken);

        public Task<AccountRisk?> ExplainAsync(string accountId, CancellationToken cancellationToken) => inner.ExplainAsync(accountId, cancellationToken);

        public Task<IReadOnlyList<AccountRisk>> ScoreAsOfAsync(DateOnly date, CancellationToken cancellationToken) => inner.ScoreAsOfAsync(date, cancellationToken);

        public async Task<IReadOnlyList<(Account Account, double Probability)>?> ScoreOutOfSampleAsync(DateOnly date, int horizonDays, CancellationToken cancellationToken)
        {
            await Release.Task;
            return await inner.ScoreOutOfSampleAsync(date, horizonDays, cancellationToken);
        }
    }

    [Fact]
    public async Task Forecast_ExplainsItselfAgainstHistory_AndBacktestsOutOfSampleOnSixDates()
    {
        var plugin = new PortfolioPlugin(fixture.Risk, fixture.Workspace.Accounts, backtestWait: TimeSpan.FromMinutes(10));
        User admin = (await fixture.Workspace.Users.ListAsync(CancellationToken.None)).First(u => u.Role == UserRole.Admin);
        var caller = new CallerContext(admin, "web", "trust", DemoWorkspaceFixture.Today, fixture.Clock.GetUtcNow(), AccessScope.Everything);

        PluginResult result = await plugin.ForecastAsync(caller, horizonDays: 90);
        JsonElement data = JsonSerializer.SerializeToElement(result.Data);

        Assert.Equal(6, data.GetProperty("backtest_dates").GetInt32());
        Assert.True(data.GetProperty("backtest_out_of_sample").GetBoolean());
        Assert.Equal(4, data.GetProperty("history").GetArrayLength());
        Assert.Contains("× the average 90-day churn of the last 4 periods", result.Text, StringComparison.Ordinal);
        Assert.Contains("out of sample", result.Text, StringComparison.Ordinal);
        // The six past forecasts size the model's own error, and today's interval carries it.
        double modelError = data.GetProperty("model_error").GetDouble();
        Assert.True(modelError >= 0, "model error measured on the backtest");
        Assert.Contains(modelError > 0 ? "today's interval adds the model's own error measured on them" : "no larger than account-level chance explains", result.Text, StringComparison.Ordinal);
        Assert.True(data.GetProperty("buckets").GetArrayLength() >= 1);
        Assert.Equal(5, data.GetProperty("top_accounts").GetArrayLength());
        Assert.Contains(result.Cards[0].Body.OfType<CardTable>(), t => t.Columns[0] == "Largest contributions");
        foreach (CardTable table in result.Cards[0].Body.OfType<CardTable>())
        {
            foreach (IReadOnlyList<string> row in table.Rows)
            {
                Assert.All(row.Where(cell => cell.Contains('–', StringComparison.Ordinal) && cell.StartsWith('$')), cell => Assert.NotEqual(cell.Split('–')[0], cell.Split('–')[1]));
            }
        }
    }
}

public sealed class CohortContrastTests
{
    [Theory]
    [InlineData("55%", "58%", false)]
    [InlineData("30%", "70%", true)]
    [InlineData("4 logins", "4 logins", false)]
    [InlineData("Gold", "Bronze", true)]
    [InlineData(null, "58%", false)]
    public void TypicalValues_AreShownOnlyWhenTheyContrast(string? helps, string? hurts, bool shown) =>
        Assert.Equal(shown, CohortAnalysis.Contrasts(helps, hurts));
}
