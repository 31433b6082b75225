using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Workspace.Tests;

public sealed class DemoPortfolioTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 21);

    [Fact]
    public void Seed_GivesIdenticalData_WhenSeedAndDateAreTheSame()
    {
        using var a = new TempWorkspace();
        using var b = new TempWorkspace();

        a.Workspace.EnsureSeeded(7, AsOf);
        b.Workspace.EnsureSeeded(7, AsOf);

        Assert.Equal(a.Workspace.DataHash(), b.Workspace.DataHash());
    }

    [Fact]
    public void Seed_GivesDifferentData_WhenSeedDiffers()
    {
        using var a = new TempWorkspace();
        using var b = new TempWorkspace();

        a.Workspace.EnsureSeeded(7, AsOf);
        b.Workspace.EnsureSeeded(8, AsOf);

        Assert.NotEqual(a.Workspace.DataHash(), b.Workspace.DataHash());
    }

    [Fact]
    public void Generate_IsRepeatableInMemory_WhenCalledTwice()
    {
        DemoPortfolio first = new DemoPortfolioGenerator(3, AsOf).Generate();
        DemoPortfolio second = new DemoPortfolioGenerator(3, AsOf).Generate();

        Assert.Equal(first.Accounts, second.Accounts);
        Assert.Equal(first.Usage, second.Usage);
        Assert.Equal(first.Payments, second.Payments);
        Assert.Equal(first.Conversations.Select(c => c.Conversation), second.Conversations.Select(c => c.Conversation));
        Assert.Equal(
            first.Conversations.SelectMany(c => c.Turns).Select(t => t.Text),
            second.Conversations.SelectMany(c => c.Turns).Select(t => t.Text));
    }

    [Fact]
    public void Generate_MakesARealisticPortfolio_WithDefaultSize()
    {
        DemoPortfolio p = new DemoPortfolioGenerator(42, AsOf).Generate();

        Assert.True(p.Accounts.Count >= 1000);
        Assert.Equal("P10001", p.Accounts[0].Id);
        Assert.Equal("P10002", p.Accounts[1].Id);
        Assert.Equal(p.Accounts.Count, p.Accounts.Select(a => a.Name).Distinct().Count());
        foreach (Tier tier in Enum.GetValues<Tier>())
        {
            Assert.Contains(p.Accounts, a => a.Tier == tier);
        }

        foreach (Region region in Enum.GetValues<Region>())
        {
            Assert.Contains(p.Accounts, a => a.Region == region);
        }

        // Tier mix roughly 40/30/20/10 from Bronze to Platinum, and ARR ranges by tier.
        double platinumShare = p.Accounts.Count(a => a.Tier == Tier.Platinum) / (double)p.Accounts.Count;
        Assert.InRange(platinumShare, 0.06, 0.14);
        Assert.All(p.Accounts.Where(a => a.Tier == Tier.Bronze), a => Assert.InRange(a.Arr, 5_000m, 20_000m));
        Assert.All(p.Accounts.Where(a => a.Tier == Tier.Platinum), a => Assert.InRange(a.Arr, 200_000m, 2_000_000m));

        // A dozen CSMs, each with a manager, plus approvers and an admin.
        var csms = p.Users.Where(u => u.Role == UserRole.Csm).ToList();
        Assert.Equal(12, csms.Count);
        Assert.All(csms, c => Assert.Contains(p.Users, m => m.Id == c.ManagerId && m.Role == UserRole.Manager));
        Assert.Contains(p.Users, u => u.Role == UserRole.Approver);
        Assert.Contains(p.Users, u => u.Role == UserRole.Admin);
        Assert.All(p.Accounts, a => Assert.Contains(csms, c => c.Id == a.OwnerId));

        // 12+ months of usage for established accounts; late payments exist; multi-turn conversations with sentiment.
        var monthsPerAccount = p.Usage.GroupBy(u => u.AccountId).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(monthsPerAccount.Values.Count(n => n >= 12) > 700);
        Assert.Contains(p.Payments, x => x.Status == PaymentStatus.Late);
        Assert.True(p.Conversations.Count > 5000);
        Assert.All(p.Conversations.Take(200), c => Assert.True(c.Turns.Count >= 2));
        Assert.Contains(p.Conversations, c => c.Conversation.Sentiment < -0.6);
        Assert.Contains(p.Conversations, c => c.Conversation.Sentiment > 0.3);
        Assert.Equal(8, p.Conversations.Select(c => c.Conversation.Topic).Distinct().Count());
    }

    [Fact]
    public void Generate_MakesAtRiskAccountsLookAtRisk_AndHealthyOnesHealthy()
    {
        var generator = new DemoPortfolioGenerator(42, AsOf);
        DemoPortfolio p = generator.Generate();
        var usage = p.Usage.ToLookup(u => u.AccountId);
        var conversations = p.Conversations.ToLookup(c => c.Conversation.AccountId);

        double Trend(string id)
        {
            var months = usage[id].OrderBy(u => u.Month).ToList();
            double recent = months.TakeLast(2).Average(u => u.ActiveUsers);
            double before = months.SkipLast(5).TakeLast(3).DefaultIfEmpty(months[0]).Average(u => u.ActiveUsers);
            return before == 0 ? 1 : recent / before;
        }

        var atRisk = p.Trajectories.Where(t => t.Value == DemoTrajectory.AtRiskWithin7Days).Select(t => t.Key).ToList();
        var healthy = p.Trajectories.Where(t => t.Value == DemoTrajectory.Healthy).Select(t => t.Key)
            .Where(id => usage[id].Count() >= 12).ToList();
        Assert.NotEmpty(atRisk);
        Assert.True(atRisk.Average(Trend) < 0.6, "usage of ~7-day accounts should have fallen sharply");
        Assert.InRange(healthy.Average(Trend), 0.9, 1.1);

        DateTimeOffset recentFrom = new(AsOf.AddDays(-120).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        double AngryShare(IEnumerable<string> ids) => ids
            .SelectMany(id => conversations[id])
            .Where(c => c.Conversation.StartedAt >= recentFrom && c.Conversation.StartedAt.Date != generator.OutageDate.ToDateTime(TimeOnly.MinValue))
            .DefaultIfEmpty()
            .Average(c => c.Conversation?.Sentiment < -0.2 ? 1.0 : 0.0);
        Assert.True(AngryShare(atRisk) > AngryShare(healthy) + 0.3);

        int churned = p.Accounts.Count(a => a.Status == AccountStatus.Churned);
        Assert.InRange(churned / (double)p.Accounts.Count, 0.05, 0.18);
        Assert.All(p.Accounts.Where(a => a.Status == AccountStatus.Churned), a => Assert.NotNull(a.ChurnedOn));

        // The outage lifts negative volume on one day across many accounts.
        int outageDay = p.Conversations.Count(c => DateOnly.FromDateTime(c.Conversation.StartedAt.UtcDateTime) == generator.OutageDate && c.Conversation.Topic == "outage");
        Assert.True(outageDay > 50);
    }

    [Fact]
    public async Task EnsureSeeded_DoesNothing_WhenWorkspaceHasData()
    {
        using var temp = new TempWorkspace();
        await temp.Workspace.Accounts.UpsertAsync([new Account("A1", "Only One", Tier.Gold, 1000m, Region.NA, "Retail", null, null, null, null)]);

        bool seeded = temp.Workspace.EnsureSeeded(42, AsOf);

        Assert.False(seeded);
        Assert.Equal(1, await temp.Workspace.Accounts.CountAsync());
    }

    [Fact]
    public async Task Open_CreatesDatabaseAndSeedsDemo_WhenFolderIsNew()
    {
        using var temp = new TempWorkspace();

        bool seeded = temp.Workspace.EnsureSeeded(42, AsOf);

        Assert.True(seeded);
        Assert.True(File.Exists(Path.Combine(temp.Directory, CopilotWorkspace.DatabaseFileName)));
        Assert.True(await temp.Workspace.IsDemoAsync());
        Assert.Equal("2026-11-21", await temp.Workspace.Meta.GetAsync(WorkspaceKeys.DemoAsOf));
        IReadOnlyList<Account> emea = await temp.Workspace.Accounts.ListAsync(new AccountQuery(Region: Region.EMEA, Tier: Tier.Platinum));
        Assert.NotEmpty(emea);
        Assert.All(emea, a => Assert.Equal(Region.EMEA, a.Region));
    }
}
