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
    private readonly ScratchDirectory _scratch = new("copilot-agent");
    private readonly CopilotWorkspace _workspace;

    public InterventionAgentTests()
    {
        _workspace = CopilotWorkspace.Open(_scratch.Path);
        DemoSeeder.Seed(_workspace, 42, Today);
    }

    public void Dispose() => _scratch.Dispose();

    private async Task<(InterventionAgent Agent, List<AccountRisk> Eligible)> AgentWith200EligibleAsync(AgentOptions? options = null)
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
        var agent = new InterventionAgent(risk, drafts, _workspace.Interventions, crm, _workspace.Audit, _workspace.Meta, options ?? new AgentOptions());
        return (agent, eligible);
    }

    /// <summary>Runs SQL on the workspace database from a connection of its own, as another process would.</summary>
    private void Sql(string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(_scratch.Path, CopilotWorkspace.DatabaseFileName));
        c.Open();
        using Microsoft.Data.Sqlite.SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Theory]
    [InlineData("tasks")] // died after the intervention, before its follow-up task
    [InlineData("audit_log")] // died after the follow-up task, before the audit entry
    public async Task RunAsync_FinishesAnInterruptedRun_WithoutASecondInterventionOrTask(string failingTable)
    {
        var now = new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        (InterventionAgent agent, List<AccountRisk> eligible) = await AgentWith200EligibleAsync();
        // The store goes away in the middle of the first non-Platinum account: its intervention is committed, the rest is not.
        Sql($"CREATE TRIGGER gone BEFORE INSERT ON {failingTable} WHEN (SELECT count(*) FROM interventions WHERE created_by = 'agent' AND status = 'pending') > 0 " +
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => agent.RunAsync("riley.chen", now, dryRun: false, CancellationToken.None));
        Sql("DROP TRIGGER gone;");
        Intervention interrupted = Assert.Single(await _workspace.Interventions.ListAsync(null), i => i.CreatedBy == AgentOptions.ActorId && i.Status == InterventionStatus.Pending);
        int tasksBefore = (await _workspace.Tasks.ListAsync(null, interrupted.AccountId, null)).Count(t => t.CreatedBy == AgentOptions.ActorId);
        Assert.Equal(failingTable == "tasks" ? 0 : 1, tasksBefore);

        // A run straight after a live one might race it, so it leaves a fresh unfinished intervention alone (and does not duplicate it);
        // a run after ResumeAfter finishes it.
        AgentRunReport soon = await agent.RunAsync("riley.chen", now.AddMinutes(1), dryRun: false, CancellationToken.None);
        Assert.DoesNotContain(soon.Decisions, d => d.Resumed);
        Assert.Contains(soon.Decisions, d => d.Risk.Account.Id == interrupted.AccountId && d.Outcome == AgentOutcome.SkippedRecentIntervention);
        AgentRunReport later = await agent.RunAsync("riley.chen", now.AddMinutes(11), dryRun: false, CancellationToken.None);

        AgentDecision finished = Assert.Single(later.Decisions, d => d.Resumed);
        Assert.Equal((interrupted.AccountId, interrupted.Id, AgentOutcome.Acted), (finished.Risk.Account.Id, finished.InterventionId, finished.Outcome));
        var created = (await _workspace.Interventions.ListAsync(null)).Where(i => i.CreatedBy == AgentOptions.ActorId).ToList();
        Assert.Equal(created.Count, created.Select(i => i.AccountId).Distinct().Count());
        // The cap counts the interrupted run's intervention: 50 in the hour in all, not 50 more.
        Assert.Equal(50, created.Count(i => i.Status == InterventionStatus.Pending));
        Assert.Equal(20, created.Count(i => i.Status == InterventionStatus.PendingApproval));
        Assert.Single(await _workspace.Tasks.ListAsync(null, interrupted.AccountId, null), t => t.CreatedBy == AgentOptions.ActorId);
        var audit = await _workspace.Audit.ReadAsync();
        Assert.Single(audit, e => e.Action == "agent.intervention" && e.Target == interrupted.AccountId);
        Assert.Equal(50, audit.Count(e => e.Action == "agent.intervention"));
        Assert.Equal(20, audit.Count(e => e.Action == "agent.approval_requested"));
        Assert.Equal(50, (await _workspace.Tasks.ListAsync(null, null, TaskState.Open)).Count(t => t.CreatedBy == AgentOptions.ActorId));
        Assert.Contains(eligible, e => e.Account.Id == interrupted.AccountId && e.Account.Tier != Tier.Platinum);
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
