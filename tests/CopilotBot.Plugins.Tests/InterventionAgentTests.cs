using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Crm;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

public sealed class InterventionAgentTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "copilot-agent-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly CopilotWorkspace _workspace;

    public InterventionAgentTests()
    {
        _workspace = CopilotWorkspace.Open(_dir);
        DemoSeeder.Seed(_workspace, 42, Today);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(InterventionAgent Agent, List<AccountRisk> Eligible)> AgentWith200EligibleAsync()
    {
        // A risk provider at our own port: 200 accounts above the threshold (the real model is tested elsewhere).
        var accounts = (await _workspace.Accounts.ListAsync(new())).ToList();
        var eligible = accounts.Where(a => a.Tier == Tier.Platinum).Take(20)
            .Concat(accounts.Where(a => a.Tier != Tier.Platinum).Take(180))
            .Select((a, i) => new AccountRisk(a, 0.86 + (i % 10 / 100.0), Urgency.Within30Days, [new RiskDriver("usage_change_90d", "active users fell 40% in 90 days", 20)]))
            .ToList();
        var risk = new FixedRisk(eligible);
        var crm = new EmbeddedCrmClient(_workspace.Tasks);
        var drafts = new DraftWriter(PromptLibrary.Default(), _workspace.Activity, _workspace.Conversations, _workspace.Users);
        var agent = new InterventionAgent(risk, drafts, _workspace.Interventions, crm, _workspace.Audit, _workspace.Meta, new AgentOptions());
        return (agent, eligible);
    }

    [Fact]
    public async Task RunAsync_ActsOnExactly50AndQueuesEveryPlatinum_WhenTwoRunsOverlap()
    {
        (InterventionAgent agent, List<AccountRisk> eligible) = await AgentWith200EligibleAsync();
        var now = new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        int before = (await _workspace.Interventions.ListAsync(null)).Count;

        AgentRunReport[] reports = await Task.WhenAll(
            Task.Run(() => agent.RunAsync("riley.chen", now, dryRun: false, CancellationToken.None)),
            Task.Run(() => agent.RunAsync("riley.chen", now.AddSeconds(1), dryRun: false, CancellationToken.None)));

        var created = (await _workspace.Interventions.ListAsync(null)).Where(i => i.CreatedBy == AgentOptions.ActorId).ToList();
        Assert.Equal(50, created.Count(i => i.Status == InterventionStatus.Pending));
        Assert.Equal(20, created.Count(i => i.Status == InterventionStatus.PendingApproval));
        Assert.All(created.Where(i => i.Status == InterventionStatus.PendingApproval), i => Assert.Equal(Tier.Platinum, eligible.First(e => e.Account.Id == i.AccountId).Account.Tier));
        Assert.Equal(created.Count, created.Select(i => i.AccountId).Distinct().Count());
        Assert.Equal(50, reports.Sum(r => r.Acted));
        Assert.Equal(20, reports.Sum(r => r.QueuedForApproval));
        Assert.Equal(before + 70, (await _workspace.Interventions.ListAsync(null)).Count);

        var audit = await _workspace.Audit.ReadAsync();
        Assert.Equal(50, audit.Count(e => e.Action == "agent.intervention"));
        Assert.Equal(20, audit.Count(e => e.Action == "agent.approval_requested"));
        var followUps = await _workspace.Tasks.ListAsync(null, null, TaskState.Open);
        Assert.Equal(50, followUps.Count(t => t.CreatedBy == AgentOptions.ActorId && t.DueDate == Today.AddDays(7)));
    }

    [Fact]
    public async Task RunAsync_RespectsTheHourlyCapAcrossRestarts_AndFreesItAnHourLater()
    {
        (InterventionAgent first, _) = await AgentWith200EligibleAsync();
        var now = new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        await first.RunAsync("riley.chen", now, dryRun: false, CancellationToken.None);

        // A new agent instance (a restart) half an hour later: the cap is counted from the store, so nothing more happens.
        (InterventionAgent restarted, _) = await AgentWith200EligibleAsync();
        AgentRunReport later = await restarted.RunAsync("riley.chen", now.AddMinutes(30), dryRun: false, CancellationToken.None);
        AgentRunReport nextHour = await restarted.RunAsync("riley.chen", now.AddMinutes(61), dryRun: false, CancellationToken.None);

        Assert.Equal(0, later.Acted);
        Assert.Contains(later.Decisions, d => d.Outcome == AgentOutcome.SkippedRateLimit);
        Assert.Equal(50, nextHour.Acted);
    }

    [Fact]
    public async Task RunAsync_WritesNothing_InDryRunOrWhenStopped()
    {
        (InterventionAgent agent, _) = await AgentWith200EligibleAsync();
        var now = new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        int before = (await _workspace.Interventions.ListAsync(null)).Count;
        string hashBefore = _workspace.DataHash();

        AgentRunReport dry = await agent.RunAsync("riley.chen", now, dryRun: true, CancellationToken.None);
        await agent.SetStoppedAsync(true, "riley.chen", now, CancellationToken.None);
        AgentRunReport stopped = await agent.RunAsync("riley.chen", now, dryRun: false, CancellationToken.None);

        Assert.Equal(200, dry.Decisions.Count);
        Assert.Equal(20, dry.Decisions.Count(d => d.Outcome == AgentOutcome.WouldQueueForApproval));
        Assert.True(stopped.Stopped);
        Assert.Equal(before, (await _workspace.Interventions.ListAsync(null)).Count);
        Assert.Equal(hashBefore, _workspace.DataHash());
    }

    private sealed class FixedRisk(IReadOnlyList<AccountRisk> risks) : IChurnRiskProvider
    {
        public DateOnly Today => InterventionAgentTests.Today;

        public Task<IReadOnlyList<AccountRisk>> ScoreAsync(CancellationToken cancellationToken) => Task.FromResult(risks);

        public Task<AccountRisk?> ExplainAsync(string accountId, CancellationToken cancellationToken) =>
            Task.FromResult(risks.FirstOrDefault(r => r.Account.Id == accountId));

        public Task<IReadOnlyList<AccountRisk>> ScoreAsOfAsync(DateOnly date, CancellationToken cancellationToken) => Task.FromResult(risks);
    }
}
