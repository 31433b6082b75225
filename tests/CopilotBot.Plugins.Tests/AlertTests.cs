using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Alerts;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Plugins.Tests;

/// <summary>
/// Usage events update risk without retraining, and the triggers raise each alert once, routed to the owner, held for the
/// digest past the hourly limit, and lowered by dismissals. A workspace of this class's own (it writes).
/// </summary>
public sealed class AlertTests(DemoWorkspaceFixture fixture) : IClassFixture<DemoWorkspaceFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);

    private AlertEngine Engine(AlertOptions? options = null) =>
        new(fixture.Workspace.Alerts, fixture.Workspace.Conversations, fixture.Workspace.Activity, fixture.Workspace.Meta, options ?? new AlertOptions());

    private EventIngestor Ingestor(AlertOptions? options = null) =>
        new(fixture.Workspace.Activity, fixture.Workspace.Accounts, fixture.Workspace.Growth, fixture.Risk, Engine(options), fixture.Clock);

    private async Task<AccountRisk> HealthyAccountAsync(int skip) =>
        (await fixture.Risk.ScoreAsync(CancellationToken.None)).Where(r => r.Account.OwnerId is not null && r.Probability < 0.2).Skip(skip).First();

    [Fact]
    public async Task UsageEvents_AreAppliedOnceEach_AndRescoreTheAccountWithoutRetraining()
    {
        AccountRisk before = await HealthyAccountAsync(0);
        string id = before.Account.Id;
        int models = (await fixture.Models.VersionsAsync(CancellationToken.None)).Count;
        // Features read ended months only, so an event for the last ended month (late-arriving data) moves the score now;
        // one for the current month counts once the month has ended.
        UsageMonth month = (await fixture.Workspace.Activity.GetUsageAsync(id)).Last(u => u.Month.AddMonths(1) <= DemoWorkspaceFixture.Today);
        EventParser parser = await Ingestor().ParserAsync(CancellationToken.None);
        string body = $$"""
            [{"type":"usage","id":"e1-{{id}}","account_id":"{{id}}","at":"{{month.Month:yyyy-MM-dd}}T10:00:00Z","logins":7},
             {"type":"usage","id":"e2-{{id}}","account_id":"{{id}}","at":"{{month.Month:yyyy-MM-dd}}T11:00:00Z","logins":5,"feature_adoption":0.0},
             {"type":"usage","id":"bad-1","account_id":"P99999","at":"2026-11-20T10:00:00Z","logins":1},
             {"type":"usage","id":"bad-2","account_id":"{{id}}","at":"yesterday","logins":-3},
             {"type":"refund","id":"bad-3"}]
            """;

        EventIngestResult first = await Ingestor().IngestAsync(parser.ParseJson(System.Text.Encoding.UTF8.GetBytes(body)), CancellationToken.None);
        EventIngestResult again = await Ingestor().IngestAsync(parser.ParseJson(System.Text.Encoding.UTF8.GetBytes(body)), CancellationToken.None);
        UsageMonth after = (await fixture.Workspace.Activity.GetUsageAsync(id)).Single(u => u.Month == month.Month);

        Assert.Equal((5, 2, 0), (first.Received, first.Applied, first.Duplicates));
        Assert.Equal([2, 3, 4], first.Rejected.Select(e => e.Index));
        Assert.Contains(first.Rejected[0].Problems, p => p.Contains("P99999", StringComparison.Ordinal));
        Assert.Equal(2, first.Rejected[1].Problems.Count);
        Assert.Contains(first.Rejected[2].Problems, p => p.Contains("'type' is 'refund'", StringComparison.Ordinal));
        Assert.Equal(1, first.AccountsRescored);
        Assert.Equal((0, 2, 0), (again.Applied, again.Duplicates, again.AccountsRescored));
        Assert.Equal(month.Logins + 12, after.Logins);
        Assert.Equal(0.0, after.FeatureAdoption);
        Assert.Equal(models, (await fixture.Models.VersionsAsync(CancellationToken.None)).Count);
        AccountRisk rescored = (await fixture.Risk.ExplainAsync(id, CancellationToken.None))!;
        Assert.NotEqual(before.Probability, rescored.Probability);
    }

    [Fact]
    public async Task FailedPaymentsAndCollapsedAdoption_RaiseTheRisk_AndTheJumpIsAlerted()
    {
        Account account = (await fixture.Workspace.Accounts.ListAsync(new(OwnerIds: ["taylor.brooks"], Tier: Tier.Silver)))[2];
        double before = (await fixture.Risk.ExplainAsync(account.Id, CancellationToken.None))!.Probability;
        var payments = new[] { 8, 9, 10 }.Select(m => new Payment($"fail-{m}-{account.Id}", account.Id, new DateOnly(2026, m, 5), null, 5000, PaymentStatus.Failed)).ToList();
        var batch = new EventBatch([new UsageEvent("drop-" + account.Id, account.Id, new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.Zero), 0, null, 0.0)], payments, [], 4);

        EventIngestResult result = await Ingestor(new AlertOptions { RiskJumpPoints = 1 }).IngestAsync(batch, CancellationToken.None);
        double after = (await fixture.Risk.ExplainAsync(account.Id, CancellationToken.None))!.Probability;

        Assert.True(after - before >= 0.01, $"risk {before:0.000} → {after:0.000}");
        Assert.Contains(result.Alerts, a => a.Trigger == AlertTriggers.RiskJump && a.AccountId == account.Id && a.RecipientId == "taylor.brooks");
    }

    [Fact]
    public async Task RiskTriggers_FireOnAJump_OnEnteringTheSevenDayBucket_AndOnARiskyRenewal()
    {
        Account account = (await HealthyAccountAsync(1)).Account with { RenewalDate = new DateOnly(2026, 12, 15) };
        var before = new AccountRisk(account, 0.30, Urgency.Within90Days, []);
        var after = new AccountRisk(account, 0.62, Urgency.Within7Days, [new RiskDriver("logins_trend", "logins down 60%", 20)]);
        var small = new AccountRisk(account, 0.36, Urgency.Within90Days, []);

        var fired = Engine().RiskTriggers(after, before, new DateOnly(2026, 11, 21), "since the last update").ToList();
        var quiet = Engine().RiskTriggers(small, before, new DateOnly(2026, 11, 21), "since the last update").ToList();

        Assert.Equal([AlertTriggers.RiskJump, AlertTriggers.Entered7Days, AlertTriggers.RenewalRisk], fired.Select(c => c.Trigger));
        Assert.Contains("30% → 62%", fired[0].Summary, StringComparison.Ordinal);
        Assert.Contains("logins down 60%", fired[0].Summary, StringComparison.Ordinal);
        Assert.Contains("in 24 days", fired[2].Summary, StringComparison.Ordinal);
        Assert.Empty(quiet);
    }

    [Fact]
    public async Task RaisedAlerts_GoToTheOwner_OnceperKey_AndPastTheHourlyLimitToTheDigest()
    {
        var accounts = (await fixture.Risk.ScoreAsync(CancellationToken.None)).Select(r => r.Account)
            .Where(a => a.OwnerId == "jamie.ortiz").Take(8).ToList();
        var candidates = accounts.Select(a => new AlertEngine.Candidate(AlertTriggers.RiskJump, a, $"{a.Name} jumped", "2026-11-21-limit")).ToList();
        AlertEngine engine = Engine(new AlertOptions { MaxImmediatePerHour = 5 });

        IReadOnlyList<Alert> first = await engine.RaiseAsync(candidates, Now, CancellationToken.None);
        IReadOnlyList<Alert> repeat = await engine.RaiseAsync(candidates, Now.AddMinutes(5), CancellationToken.None);
        var stored = (await fixture.Workspace.Alerts.ListAsync("jamie.ortiz", Now.AddMinutes(-1), Now.AddMinutes(1), null))
            .Where(a => a.DedupeKey.EndsWith("2026-11-21-limit", StringComparison.Ordinal)).ToList();

        Assert.True(accounts.Count == 8, "the demo gives Jamie at least 8 accounts");
        Assert.True(first.Count <= 5);
        Assert.Empty(repeat);
        Assert.Equal(8, stored.Count);
        Assert.All(stored, a => Assert.Equal("jamie.ortiz", a.RecipientId));
        Assert.Equal(8 - first.Count, stored.Count(a => a.Delivery == AlertDelivery.Digest));
    }

    [Fact]
    public async Task Sweep_FindsInactivity_NegativeSentimentSpikes_AndAccountsWithoutAnOwner()
    {
        var healthy = (await fixture.Risk.ScoreAsync(CancellationToken.None)).Where(r => r.Account.OwnerId is not null).Skip(40).Take(2).Select(r => r.Account).ToList();
        Account quiet = healthy[0], upset = healthy[1];
        // The quiet account's last three months have no logins; the upset one had four angry tickets this week.
        foreach (UsageMonth m in (await fixture.Workspace.Activity.GetUsageAsync(quiet.Id)).TakeLast(3))
        {
            await fixture.Workspace.Activity.UpsertUsageAsync([m with { Logins = 0 }]);
        }

        var tickets = Enumerable.Range(0, 4).Select(i => (
            new SupportConversation($"spike-{upset.Id}-{i}", upset.Id, Now.AddDays(-1 - i), "billing", -0.8, "email", "double charged"),
            (IReadOnlyList<ConversationTurn>)[new ConversationTurn($"spike-{upset.Id}-{i}", 0, Speaker.Customer, Now.AddDays(-1 - i), "You charged us twice. Unacceptable.")])).ToList();
        await fixture.Workspace.Conversations.UpsertAsync(tickets);
        Account orphan = new("P-ORPHAN", "Orphan Industries", Tier.Silver, 42_000, Region.EMEA, "Retail", null, null, new DateOnly(2024, 1, 1), 20);
        await fixture.Workspace.Accounts.UpsertAsync([orphan]);
        IReadOnlyList<Account> active = await fixture.Workspace.Accounts.ListAsync(new());
        IReadOnlyList<AccountRisk> scores = await fixture.Risk.ScoreAsync(CancellationToken.None);

        await Engine().SweepAsync(scores, scores, active, Now, CancellationToken.None);
        var raised = await fixture.Workspace.Alerts.ListAsync(null, Now.AddMinutes(-1), Now.AddMinutes(1), null);

        Assert.Contains(raised, a => a.Trigger == AlertTriggers.Inactive && a.AccountId == quiet.Id && a.RecipientId == quiet.OwnerId);
        Alert spike = Assert.Single(raised, a => a.Trigger == AlertTriggers.SentimentSpike && a.AccountId == upset.Id);
        Assert.Matches(@"^([4-9]|\d\d) negative support conversations", spike.Summary);
        Alert orphaned = Assert.Single(raised, a => a.AccountId == orphan.Id);
        Assert.Equal((AlertTriggers.MissingData, "riley.chen"), (orphaned.Trigger, orphaned.RecipientId));
        Assert.DoesNotContain(raised, a => a.Trigger == AlertTriggers.Inactive && a.AccountId == upset.Id);
    }

    [Fact]
    public void Dismissals_LowerTheTriggersPriority_ForThatAccountMost()
    {
        AlertDismissal Dismissed(string trigger, string account) => new("jamie.ortiz", trigger, account, Now);

        int untouched = AlertEngine.Priority(AlertTriggers.RiskJump, "A", []);
        int dismissedHere = AlertEngine.Priority(AlertTriggers.RiskJump, "A", [Dismissed(AlertTriggers.RiskJump, "A")]);
        int dismissedElsewhere = AlertEngine.Priority(AlertTriggers.RiskJump, "A", [Dismissed(AlertTriggers.RiskJump, "B"), Dismissed(AlertTriggers.RiskJump, "C")]);
        int otherTrigger = AlertEngine.Priority(AlertTriggers.RiskJump, "A", [Dismissed(AlertTriggers.Inactive, "A")]);

        Assert.Equal(4, untouched);
        Assert.Equal(1, dismissedHere);
        Assert.Equal(3, dismissedElsewhere);
        Assert.Equal(4, otherTrigger);
        Assert.True(dismissedHere < new AlertOptions().ImmediatePriority, "a dismissed alert goes to the digest");
    }

    [Fact]
    public async Task AlertsList_ShowsOnlyTheCallersAlerts_OnAccountsTheyMaySee()
    {
        Account jamies = (await fixture.Workspace.Accounts.ListAsync(new(OwnerIds: ["jamie.ortiz"])))[3];
        await Engine().RaiseAsync([new AlertEngine.Candidate(AlertTriggers.RenewalRisk, jamies, $"{jamies.Name} renews soon", "list-test")], Now, CancellationToken.None);
        var plugin = new AlertsPlugin(fixture.Workspace.Alerts, fixture.Workspace.Accounts, fixture.Workspace.Audit);
        var policy = new AccessPolicy(fixture.Workspace.Users, fixture.Workspace.Accounts);
        User jamie = (await fixture.Workspace.Users.GetAsync("jamie.ortiz"))!;
        User taylor = (await fixture.Workspace.Users.GetAsync("taylor.brooks"))!;

        PluginResult mine = await plugin.ListAsync(new CallerContext(jamie, "web", "c1", new DateOnly(2026, 11, 21), Now, await policy.ScopeAsync(jamie, CancellationToken.None)));
        PluginResult theirs = await plugin.ListAsync(new CallerContext(taylor, "web", "c2", new DateOnly(2026, 11, 21), Now, await policy.ScopeAsync(taylor, CancellationToken.None)));

        Assert.Contains(jamies.Id, mine.AccountsShown);
        Assert.DoesNotContain(jamies.Id, theirs.AccountsShown);
        Assert.DoesNotContain(jamies.Name, string.Join(" ", theirs.Cards.Select(c => c.ToString())), StringComparison.Ordinal);
    }
}
