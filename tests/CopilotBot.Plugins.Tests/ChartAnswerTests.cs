using System.Diagnostics;
using CopilotBot.Charts;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Portfolio;
using CopilotBot.Plugins.Support;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

/// <summary>The answers where a trend reads better than numbers carry a chart that agrees with their own tables.</summary>
public sealed class ChartAnswerTests(DemoWorkspaceFixture fixture) : IClassFixture<DemoWorkspaceFixture>
{
    [Fact]
    public async Task Forecast_charts_the_three_horizons_with_the_interval_as_a_band_and_the_backtest()
    {
        PluginResult result = await new PortfolioPlugin(fixture.Risk, fixture.Workspace.Accounts, backtestWait: TimeSpan.FromMinutes(10)).ForecastAsync(await AdminAsync(), horizonDays: 90);

        Card card = Assert.Single(result.Cards);
        var charts = card.Body.OfType<CardChart>().ToList();
        Assert.Equal(2, charts.Count);
        ChartSpec horizons = charts[0].Spec;
        Assert.Equal(["30 days", "90 days", "180 days"], horizons.Labels);
        ChartBand band = Assert.IsType<ChartBand>(horizons.Band);
        IReadOnlyList<double> expected = Assert.Single(horizons.Series).Values;
        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(expected[i], band.Low[i], band.High[i]);
        }

        Assert.True(expected[0] < expected[1] && expected[1] < expected[2], "more churn over a longer horizon");
        // The table beside the chart says the same numbers; so does the alt text.
        CardTable horizonTable = card.Body.OfType<CardTable>().First();
        Assert.Equal("Horizon", horizonTable.Columns[0]);
        Assert.All(horizonTable.Rows, row => Assert.Contains(row[1], charts[0].AltText, StringComparison.Ordinal));

        ChartSpec backtest = charts[1].Spec;
        Assert.Equal(["Forecast (expected)", "Actually churned"], backtest.Series.Select(s => s.Name));
        Assert.NotNull(backtest.Band);
        CardTable backtestTable = card.Body.OfType<CardTable>().Last();
        Assert.Equal(backtestTable.Rows.Count, backtest.Labels.Count);
        Assert.All(backtestTable.Rows, row => Assert.Contains($"{row[0]} forecast {row[1]}, actual {row[3]}", charts[1].AltText, StringComparison.Ordinal));
        Assert.All(charts, c => Assert.InRange(c.Png.Length, 500, 20 * 1024));
    }

    [Fact]
    public async Task Summary_charts_expected_ARR_at_risk_over_five_months_ending_with_todays_figure()
    {
        var plugin = new PortfolioPlugin(fixture.Risk, fixture.Workspace.Accounts);
        CallerContext admin = await AdminAsync();
        await fixture.Risk.ScoreAsync(CancellationToken.None); // today's snapshot, which every answer shares
        var clock = Stopwatch.StartNew();

        PluginResult result = await plugin.SummaryAsync(admin, region: "EMEA");

        clock.Stop();
        Card card = Assert.Single(result.Cards);
        CardChart chart = Assert.Single(card.Body.OfType<CardChart>());
        IReadOnlyList<double> values = Assert.Single(chart.Spec.Series).Values;
        Assert.Equal(6, values.Count);
        Assert.All(values, v => Assert.True(double.IsFinite(v) && v > 0));
        string today = ((CardFacts)card.Body[0]).Facts[0].Value;
        Assert.Contains($"to {today} now", chart.AltText, StringComparison.Ordinal);
        CardTable trendTable = card.Body.OfType<CardTable>().Single(t => t.Columns[0] == "As of");
        Assert.Equal("2026-11-21", trendTable.Rows[^1][0]);
        Assert.Equal(today, trendTable.Rows[^1][1]);
        Assert.Equal("2026-06-24", trendTable.Rows[0][0]);
        // Past dates are scored once per snapshot: a second summary costs no rescoring.
        var again = Stopwatch.StartNew();
        await plugin.SummaryAsync(admin, region: "APAC");
        again.Stop();
        Assert.True(again.Elapsed < clock.Elapsed + TimeSpan.FromSeconds(1), $"first {clock.ElapsedMilliseconds} ms, second {again.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Trends_chart_volume_and_negatives_per_bucket_as_the_table_counts_them()
    {
        var plugin = new SupportPlugin(fixture.Workspace.Conversations, fixture.Workspace.Accounts);

        PluginResult result = await plugin.TrendsAsync(await AdminAsync(), from: "2026-08-31", to: "2026-11-22", granularity: "week");

        Card card = Assert.Single(result.Cards);
        CardChart chart = Assert.IsType<CardChart>(card.Body[0]);
        CardTable table = Assert.IsType<CardTable>(card.Body[1]);
        Assert.Equal(table.Rows.Count, chart.Spec.Labels.Count);
        Assert.Equal(table.Rows.Select(r => double.Parse(r[1].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)), chart.Spec.Series[0].Values);
        Assert.Equal(table.Rows.Select(r => double.Parse(r[2].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)), chart.Spec.Series[1].Values);
        Assert.Contains("per week from 2026-08-31", chart.AltText, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, chart.Png.Take(4));
    }

    [Fact]
    public async Task Daily_trends_over_a_month_keep_their_chart_and_it_stays_small()
    {
        var plugin = new SupportPlugin(fixture.Workspace.Conversations, fixture.Workspace.Accounts);

        PluginResult result = await plugin.TrendsAsync(await AdminAsync(), from: "2026-10-22", to: "2026-11-21", granularity: "day");

        Card card = Assert.Single(result.Cards);
        CardChart chart = Assert.IsType<CardChart>(card.Body[0]);
        Assert.Equal(31, chart.Spec.Labels.Count);
        Assert.Equal("Support conversations by day", chart.Spec.Title);
        Assert.InRange(chart.Png.Length, 500, 8 * 1024);
    }

    [Fact]
    public async Task Cohorts_chart_churn_and_risk_per_group_as_the_table_gives_them()
    {
        var plugin = new PortfolioPlugin(fixture.Risk, fixture.Workspace.Accounts, fixture.Workspace.Activity);

        PluginResult result = await plugin.CohortsAsync(await AdminAsync(), by: "tier");

        Card card = Assert.Single(result.Cards);
        CardChart chart = Assert.Single(card.Body.OfType<CardChart>());
        CardTable table = card.Body.OfType<CardTable>().First();
        Assert.True(card.Body.ToList().IndexOf(chart) < card.Body.ToList().IndexOf(table), "the chart comes before the table it draws");
        Assert.Equal(ChartKind.Bar, chart.Spec.Kind);
        Assert.Equal(ValueFormat.Percent, chart.Spec.Format);
        Assert.Equal(["Platinum", "Gold", "Silver", "Bronze"], chart.Spec.Labels);
        Assert.Equal(table.Rows.Select(r => r[0]), chart.Spec.Labels);
        var data = System.Text.Json.JsonSerializer.SerializeToElement(result.Data).GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(data.Select(g => g.GetProperty("churn_rate").GetDouble()), chart.Spec.Series[0].Values);
        Assert.Equal(data.Select(g => g.GetProperty("mean_risk").GetDouble()), chart.Spec.Series[1].Values);
        // The alt text says each group's figures in the table's own words.
        Assert.All(table.Rows, row => Assert.Contains($"{row[0]} {row[2].Split(' ')[0]} churned, {row[3]} risk", chart.AltText, StringComparison.Ordinal));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, chart.Png.Take(4));
        Assert.InRange(chart.Png.Length, 500, 8 * 1024);
    }

    [Fact]
    public async Task A_single_day_of_trends_has_no_chart_only_the_table()
    {
        var plugin = new SupportPlugin(fixture.Workspace.Conversations, fixture.Workspace.Accounts);

        PluginResult result = await plugin.TrendsAsync(await AdminAsync(), from: "2026-11-20", to: "2026-11-20");

        Card card = Assert.Single(result.Cards);
        Assert.Empty(card.Body.OfType<CardChart>());
        Assert.Single(card.Body.OfType<CardTable>());
    }

    private async Task<CallerContext> AdminAsync()
    {
        User admin = (await fixture.Workspace.Users.ListAsync(CancellationToken.None)).First(u => u.Role == UserRole.Admin);
        return new CallerContext(admin, "web", "charts", DemoWorkspaceFixture.Today, fixture.Clock.GetUtcNow(), AccessScope.Everything);
    }
}
