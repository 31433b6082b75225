using System.Diagnostics;
using System.Text.Json;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Portfolio;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Xunit.Abstractions;

namespace CopilotBot.Plugins.Tests;

/// <summary>portfolio.cohorts on the demo workspace: scope, counts against direct queries, grouping, adoption quartiles.</summary>
public sealed class CohortTests(DemoWorkspaceFixture fixture, ITestOutputHelper output) : IClassFixture<DemoWorkspaceFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);

    private PortfolioPlugin Plugin() => new(fixture.Risk, fixture.Workspace.Accounts, fixture.Workspace.Activity);

    private async Task<CallerContext> CallerAsync(string userId)
    {
        User user = (await fixture.Workspace.Users.GetAsync(userId))!;
        var policy = new AccessPolicy(fixture.Workspace.Users, fixture.Workspace.Accounts);
        return new CallerContext(user, "web", "cohorts-" + userId, DemoWorkspaceFixture.Today, Now, await policy.ScopeAsync(user, CancellationToken.None));
    }

    private async Task<User> FirstAsync(UserRole role) =>
        (await fixture.Workspace.Users.ListAsync()).Where(u => u.Role == role).OrderBy(u => u.Id, StringComparer.Ordinal).First();

    private static JsonElement Data(PluginResult result) => JsonSerializer.SerializeToElement(result.Data);

    /// <summary>Recomputed straight from the stored accounts, independently of CohortAnalysis.</summary>
    private static (int Exposed, int Churned) DirectChurn(IEnumerable<Account> accounts)
    {
        DateOnly start = DemoWorkspaceFixture.Today.AddMonths(-12);
        var list = accounts.Where(a => !(a.Status == AccountStatus.Churned && a.ChurnedOn is null) && !(a.ChurnedOn <= start)).ToList();
        return (list.Count, list.Count(a => a.ChurnedOn > start && a.ChurnedOn <= DemoWorkspaceFixture.Today));
    }

    [Fact]
    public async Task Cohorts_CountsOnlyTheCsmsOwnBook_AndMatchesADirectQuery()
    {
        User csm = await FirstAsync(UserRole.Csm);
        CallerContext caller = await CallerAsync(csm.Id);
        IReadOnlyList<Account> own = await fixture.Workspace.Accounts.ListAsync(new AccountQuery(OwnerIds: [csm.Id], Status: null));
        IReadOnlyList<Account> everyone = await fixture.Workspace.Accounts.ListAsync(new AccountQuery(Status: null));

        PluginResult byOwner = await Plugin().CohortsAsync(caller, by: "owner");
        PluginResult byTier = await Plugin().CohortsAsync(caller, by: "tier");

        Assert.False(byOwner.IsRefusal, byOwner.Text);
        JsonElement owner = Data(byOwner);
        Assert.Equal([csm.Id], owner.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
        Assert.True(own.Count < everyone.Count);
        (int exposed, int churned) = DirectChurn(own);
        JsonElement tier = Data(byTier);
        Assert.Equal(own.Count, tier.GetProperty("accounts").GetInt32());
        Assert.Equal(exposed, tier.GetProperty("exposed").GetInt32());
        Assert.Equal(churned, tier.GetProperty("churned_in_window").GetInt32());
        foreach (JsonElement g in tier.GetProperty("groups").EnumerateArray())
        {
            Tier t = Enum.Parse<Tier>(g.GetProperty("key").GetString()!);
            Assert.Equal(own.Count(a => a.Tier == t), g.GetProperty("accounts").GetInt32());
        }

        Assert.Contains("your book", byTier.Cards[0].Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cohorts_ByTier_SumsToEveryAccount_AndChurnRatesMatchTheStore()
    {
        CallerContext admin = await CallerAsync("riley.chen");
        IReadOnlyList<Account> all = await fixture.Workspace.Accounts.ListAsync(new AccountQuery(Status: null));
        var timer = Stopwatch.StartNew();

        PluginResult result = await Plugin().CohortsAsync(admin, by: "tier");

        output.WriteLine($"{timer.ElapsedMilliseconds} ms");
        output.WriteLine(result.Text);
        JsonElement data = Data(result);
        var groups = data.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(all.Count, groups.Sum(g => g.GetProperty("accounts").GetInt32()));
        Assert.Equal(["Platinum", "Gold", "Silver", "Bronze"], groups.Select(g => g.GetProperty("key").GetString()));
        foreach (JsonElement g in groups)
        {
            Tier t = Enum.Parse<Tier>(g.GetProperty("key").GetString()!);
            (int exposed, int churned) = DirectChurn(all.Where(a => a.Tier == t));
            Assert.Equal(exposed, g.GetProperty("exposed").GetInt32());
            Assert.Equal(churned, g.GetProperty("churned").GetInt32());
            Assert.Equal(churned / (double)exposed, g.GetProperty("churn_rate").GetDouble(), 9);
        }

        // The demo churns Bronze more than Platinum by construction (14% against 5% a year).
        double Rate(string key) => groups.Single(g => g.GetProperty("key").GetString() == key).GetProperty("churn_rate").GetDouble();
        Assert.True(Rate("Bronze") > Rate("Platinum"), $"Bronze {Rate("Bronze"):P1}, Platinum {Rate("Platinum"):P1}");
        CardTable table = result.Cards[0].Body.OfType<CardTable>().First();
        Assert.Equal(4, table.Rows.Count);
        // About one account in eight signed up within the year, spread over the tiers: no tier is marked as short of time.
        Assert.All(table.Rows, r => Assert.DoesNotContain("*", r[0], StringComparison.Ordinal));
        Assert.Contains("last 12 months", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cohorts_ForAManager_GroupsTheTeamsAccountsByIndustryAndSignupCohort()
    {
        User manager = await FirstAsync(UserRole.Manager);
        CallerContext caller = await CallerAsync(manager.Id);
        var team = (await fixture.Workspace.Accounts.ListAsync(new AccountQuery(Status: null))).Where(caller.Scope.Allows).ToList();

        PluginResult industry = await Plugin().CohortsAsync(caller, by: "industry");
        PluginResult year = await Plugin().CohortsAsync(caller);
        PluginResult quarter = await Plugin().CohortsAsync(caller, by: "signup quarter");

        var industries = Data(industry).GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(team.Count, industries.Sum(g => g.GetProperty("accounts").GetInt32()));
        Assert.Equal(team.Select(a => a.Industry).Distinct().Order(StringComparer.Ordinal), industries.Select(g => g.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        var years = Data(year).GetProperty("groups").EnumerateArray().Select(g => (Key: g.GetProperty("key").GetString()!, Count: g.GetProperty("accounts").GetInt32())).ToList();
        Assert.Equal("SignupYear", Data(year).GetProperty("by").GetString());
        Assert.Equal(years.Select(y => y.Key).Order(StringComparer.Ordinal), years.Select(y => y.Key));
        foreach ((string key, int count) in years)
        {
            Assert.Equal(team.Count(a => a.SignupDate!.Value.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) == key), count);
        }

        var quarters = Data(quarter).GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()!).ToList();
        Assert.All(quarters, q => Assert.Matches(@"^\d{4} Q[1-4]$", q));
        Assert.Equal(team.Count, Data(quarter).GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("accounts").GetInt32()));
        Assert.Contains("in your team", year.Cards[0].Title, StringComparison.Ordinal);

        // Cohorts that signed up within the last year are marked as having had less time to churn.
        string recent = DemoWorkspaceFixture.Today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(year.Cards[0].Body.OfType<CardTable>().First().Rows, r => r[0] == recent + " *");
    }

    [Fact]
    public async Task Analyze_OrdersAdoptionQuartilesByRisk_AndFindsFeaturesThatLowerRisk()
    {
        IReadOnlyList<Account> all = await fixture.Workspace.Accounts.ListAsync(new AccountQuery(Status: null));
        IReadOnlyList<UsageMonth> usage = await fixture.Workspace.Activity.ListUsageAsync();
        IReadOnlyList<AccountRisk> risks = await fixture.Risk.ScoreAsync(CancellationToken.None);

        CohortReport report = CohortAnalysis.Analyze(all, usage, risks, DemoWorkspaceFixture.Today, CohortDimension.Tier);

        foreach (AdoptionQuartile q in report.Quartiles)
        {
            output.WriteLine($"Q{q.Quartile}: now {q.NowLow:P0}-{q.NowHigh:P0} n={q.NowAccounts} risk {q.MeanRisk:P1}; before {q.BeforeLow:P0}-{q.BeforeHigh:P0} n={q.BeforeAccounts} churned {q.ChurnedSince} ({q.ChurnRateSince:P1})");
        }

        foreach (FeatureEffect e in report.Effects)
        {
            output.WriteLine($"{e.Label}: down {e.MeanDown:0.000}, mean {e.Mean:0.000} (odds x{e.OddsRatio:0.00}), lowers for {e.Lowered}/{e.Explained}; helps: {e.Helps}; hurts: {e.Hurts}");
        }

        // At-risk demo accounts lose feature adoption as their usage declines, so the lowest quartile carries more risk.
        AdoptionQuartile lowest = report.Quartiles[0], highest = report.Quartiles[3];
        Assert.True(lowest.MeanRisk > highest.MeanRisk, $"{lowest.MeanRisk} vs {highest.MeanRisk}");
        Assert.True(lowest.NowHigh <= highest.NowLow);
        Assert.Equal(risks.Count(r => usage.Any(u => u.AccountId == r.Account.Id && u.Month.AddMonths(1) <= DemoWorkspaceFixture.Today)), report.Quartiles.Sum(q => q.NowAccounts));
        Assert.True(lowest.ChurnRateSince >= highest.ChurnRateSince, $"{lowest.ChurnRateSince} vs {highest.ChurnRateSince}");

        // Above the cap a systematic sample is explained; the effects are ordered, most protective first.
        Assert.Equal(CohortAnalysis.MaxExplained, report.Explained);
        Assert.Equal(risks.Count, report.Scored);
        Assert.True(report.Effects[0].MeanDown < 0);
        Assert.Equal(report.Effects.Select(e => e.MeanDown).Order(), report.Effects.Select(e => e.MeanDown));
    }

    [Fact]
    public async Task Effects_AreMeanTreeShapContributions_OverTheAccountsGiven()
    {
        IReadOnlyList<AccountRisk> risks = (await fixture.Risk.ScoreAsync(CancellationToken.None)).Take(60).ToList();

        (IReadOnlyList<FeatureEffect> effects, int explained) = CohortAnalysis.Effects(risks);

        Assert.Equal(60, explained);
        Assert.InRange(effects.Count, 10, ChurnFeatures.Numeric.Length + ChurnFeatures.Categorical.Length);
        foreach (FeatureEffect e in effects)
        {
            var contributions = risks.Select(r => r.LazyExplanation!.Value.Contributions.Single(c => c.Feature == e.Feature).Contribution).ToList();
            Assert.Equal(contributions.Sum() / 60, e.Mean, 9);
            Assert.Equal(contributions.Where(c => c < 0).Sum() / 60, e.MeanDown, 9);
            Assert.Equal(contributions.Count(c => c < 0), e.Lowered);
        }

        // Only Platinum accounts: tier has one value, so it is no evidence of who stays and is left out.
        var platinum = (await fixture.Risk.ScoreAsync(CancellationToken.None)).Where(r => r.Account.Tier == Tier.Platinum).Take(30).ToList();
        Assert.DoesNotContain(CohortAnalysis.Effects(platinum).Effects, e => e.Feature == "tier");
        Assert.Contains(effects, e => e.Feature == "tier");

        // The drivers shown in words come from the same explanation, so they agree in sign with the raw contributions.
        AccountRisk top = risks[0];
        RiskDriver strongest = top.Drivers.MaxBy(d => Math.Abs(d.Points))!;
        Assert.Equal(Math.Sign(strongest.Points), Math.Sign(top.LazyExplanation!.Value.Contributions.Single(c => c.Feature == strongest.Feature).Contribution));
    }

    [Theory]
    [InlineData("bucket")]
    [InlineData("colour")]
    public async Task Cohorts_RefusesAnUnknownGrouping_AndListsTheOptions(string by)
    {
        CallerContext admin = await CallerAsync("riley.chen");

        PluginResult result = await Plugin().CohortsAsync(admin, by: by);

        Assert.True(result.IsRefusal);
        Assert.Contains($"'{by}'", result.Text, StringComparison.Ordinal);
        foreach (string option in new[] { "signup_year", "signup_quarter", "tier", "industry", "region", "owner" })
        {
            Assert.Contains(option, result.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cohorts_RefusesAnotherCsmsBook_ForACsm()
    {
        User csm = await FirstAsync(UserRole.Csm);
        User other = (await fixture.Workspace.Users.ListAsync()).First(u => u.Role == UserRole.Csm && u.Id != csm.Id);

        PluginResult result = await Plugin().CohortsAsync(await CallerAsync(csm.Id), owner: other.Id);

        Assert.True(result.IsRefusal);
        Assert.Empty(result.Cards);
    }
}
