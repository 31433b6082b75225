using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Filters;
using CopilotBot.Workspace.Domain;
using Microsoft.Extensions.Configuration;

namespace CopilotBot.Host.Tests;

/// <summary>The example dialogues of docs/domain.md, end to end through the agent on the demo workspace.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class DialogueTests(SeededWorkspaceFixture fixture)
{
    private CopilotRuntime Open() => CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    private static async Task<TurnReply> AskAsync(CopilotRuntime runtime, string user, string conversation, string text) =>
        await runtime.Agent.HandleAsync(new TurnRequest("test", conversation, user, text));

    [Fact]
    public async Task Dialogue_FollowsUpOnTheCsmsOwnBook_FromListToExplainToDraftToTask()
    {
        CopilotRuntime runtime = Open();
        string conversation = "dlg-" + Guid.NewGuid().ToString("N")[..6];
        // A CSM whose at-risk list has a second row to follow up on (churn.at_risk lists those at 10% risk or more when
        // fewer than ten reach 30%). The demo's books differ in how many accounts are at risk, and some have only one.
        var scores = await runtime.Risk.ScoreAsync(CancellationToken.None);
        string Csm = (await runtime.Workspace.Users.ListAsync()).Where(u => u.Role == UserRole.Csm)
            .Select(u => (u.Id, AtRisk: scores.Count(r => r.Account.OwnerId == u.Id && r.Account.Status == AccountStatus.Active && r.Probability >= 0.1)))
            .Where(c => c.AtRisk >= 2)
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .First().Id;

        TurnReply list = await AskAsync(runtime, Csm, conversation, "who in my book is most likely to churn?");
        IReadOnlyList<Account> book = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm]));
        TurnReply why = await AskAsync(runtime, Csm, conversation, "why is the second one red?");
        TurnReply draft = await AskAsync(runtime, Csm, conversation, "draft a save email to them");
        TurnReply task = await AskAsync(runtime, Csm, conversation, "remind me to call them next Friday");

        Assert.Equal("churn.at_risk", list.Tool);
        Assert.Equal("me", list.Arguments["owner"]?.ToString());
        var table = (Conversation.Cards.CardTable)list.Cards[0].Body.First(b => b is Conversation.Cards.CardTable);
        Assert.True(table.Rows.Count >= 2);
        Assert.All(table.Rows, r => Assert.Contains(book, a => r[1].EndsWith($"({a.Id})", StringComparison.Ordinal)));
        string second = table.Rows[1][1].Split('(', ')')[^2];
        Assert.Equal("churn.explain", why.Tool);
        Assert.Equal(second, why.Arguments["account"]?.ToString());
        Assert.Contains("Pushing risk up", why.Text, StringComparison.Ordinal);
        Assert.Equal("interventions.draft", draft.Tool);
        Assert.Equal(second, draft.Arguments["account"]?.ToString());
        Assert.Contains(draft.Cards[0].Actions, a => a.Title == "Send");
        Assert.Equal("crm.create_task", task.Tool);
        IReadOnlyList<CrmTask> tasks = await runtime.Workspace.Tasks.ListAsync(Csm, second, TaskState.Open);
        Assert.Contains(tasks, t => t.DueDate == new DateOnly(2026, 11, 27));
    }

    [Fact]
    public async Task Conversation_ResumesAfterRestart_FromStoredState()
    {
        string conversation = "restart-" + Guid.NewGuid().ToString("N")[..6];
        TurnReply list = await AskAsync(Open(), "jamie.ortiz", conversation, "which of my accounts are at risk?");

        TurnReply why = await AskAsync(Open(), "jamie.ortiz", conversation, "why is the first one at risk?");

        Assert.Equal("churn.at_risk", list.Tool);
        Assert.Equal("churn.explain", why.Tool);
        var table = (Conversation.Cards.CardTable)list.Cards[0].Body.First(b => b is Conversation.Cards.CardTable);
        Assert.Equal(table.Rows[0][1].Split('(', ')')[^2], why.Arguments["account"]?.ToString());
    }

    [Fact]
    public async Task Csm_IsToldNoAccess_AndNothingLeaks_WhenAskingAboutAnotherCsmsAccount()
    {
        CopilotRuntime runtime = Open();
        Account other = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: ["lukas.weber"])))[0];

        TurnReply byId = await AskAsync(runtime, "sofia.marino", "leak-1", $"why is {other.Id} at risk?");
        TurnReply byName = await AskAsync(runtime, "sofia.marino", "leak-2", $"draft an email to {other.Name}");
        TurnReply list = await AskAsync(runtime, "sofia.marino", "leak-3", "which accounts are most likely to churn?");

        Assert.Equal(AuthorizationFilter.NoAccess, byId.Text);
        Assert.Empty(byId.Cards);
        // By name the account is simply not found for her (the reply only echoes what she typed), and never its id or data.
        Assert.Null(byName.Tool);
        Assert.DoesNotContain(other.Id, byName.Text, StringComparison.Ordinal);
        Assert.Empty(byName.Cards);
        Assert.DoesNotContain(other.Id, System.Text.Json.JsonSerializer.Serialize(list.Cards), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manager_GetsArrAtRiskForTheirTeamOnly()
    {
        CopilotRuntime runtime = Open();

        TurnReply reply = await AskAsync(runtime, "priya.natarajan", "mgr-1", "how much ARR is at risk in EMEA?");

        Assert.Equal("portfolio.summary", reply.Tool);
        Assert.Equal("EMEA", reply.Arguments["region"]?.ToString());
        Assert.Contains("in your team", reply.Text, StringComparison.Ordinal);
        Assert.Contains("$", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manager_GetsChurnBySignupCohortForTheirTeam_AndFollowsUpByIndustry()
    {
        CopilotRuntime runtime = Open();
        var team = (await runtime.Workspace.Users.ListAsync()).Where(u => u.ManagerId == "priya.natarajan").Select(u => u.Id).ToList();
        IReadOnlyList<Account> accounts = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: team, Status: null));

        TurnReply cohorts = await AskAsync(runtime, "priya.natarajan", "mgr-cohorts", "churn by signup cohort");
        TurnReply industries = await AskAsync(runtime, "priya.natarajan", "mgr-cohorts", "and by industry?");

        Assert.Equal("portfolio.cohorts", cohorts.Tool);
        Assert.Equal("signup_year", cohorts.Arguments["by"]?.ToString());
        Assert.Equal("Cohorts by signup year in your team", cohorts.Cards[0].Title);
        var years = (Conversation.Cards.CardTable)cohorts.Cards[0].Body.First(b => b is Conversation.Cards.CardTable);
        Assert.Equal(accounts.Count, years.Rows.Sum(r => int.Parse(r[1], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(cohorts.Cards[0].Body, b => b is Conversation.Cards.CardText { Text: "What predicts retention" });
        Assert.Contains("churned in the last 12 months", cohorts.Text, StringComparison.Ordinal);
        Assert.Equal("portfolio.cohorts", industries.Tool);
        Assert.Equal("industry", industries.Arguments["by"]?.ToString());
        var rows = ((Conversation.Cards.CardTable)industries.Cards[0].Body.First(b => b is Conversation.Cards.CardTable)).Rows;
        Assert.Equal(accounts.Select(a => a.Industry).Distinct().Order(StringComparer.Ordinal), rows.Select(r => r[0].TrimEnd(' ', '*')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Approver_AskingForTheApprovalQueue_GetsTheApprovalsFunction()
    {
        CopilotRuntime runtime = Open();

        TurnReply queue = await AskAsync(runtime, "dana.whitfield", "appr-q1", "show me the approval queue");
        TurnReply waiting = await AskAsync(runtime, "dana.whitfield", "appr-q2", "what's waiting for my approval?");

        Assert.Equal("interventions.approvals", queue.Tool);
        Assert.Equal("interventions.approvals", waiting.Tool);
        Assert.Contains("approval request", queue.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfScope_GetsAShortReplyAndNoTool()
    {
        TurnReply reply = await AskAsync(Open(), "jamie.ortiz", "oos-1", "book me a flight to Paris");

        Assert.Null(reply.Tool);
        Assert.Contains("churn risk", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardClick_RunsTheButtonsFunction_ThroughTheFilters()
    {
        CopilotRuntime runtime = Open();
        Account mine = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: ["mei.lin"])))[0];
        Account notMine = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: ["jamie.ortiz"])))[0];

        TurnReply ok = await runtime.Agent.HandleAsync(new TurnRequest("test", "click-1", "mei.lin", "", new JsonObject { ["verb"] = "churn.explain", ["account"] = mine.Id }));
        TurnReply refused = await runtime.Agent.HandleAsync(new TurnRequest("test", "click-2", "mei.lin", "", new JsonObject { ["verb"] = "churn.explain", ["account"] = notMine.Id }));

        Assert.Equal("churn.explain", ok.Tool);
        Assert.Contains(mine.Name, ok.Text, StringComparison.Ordinal);
        Assert.Equal(AuthorizationFilter.NoAccess, refused.Text);
    }

    [Fact]
    public async Task Reply_FallsBackToTheEmbeddedRouterAndSaysSo_WhenTheLanguageModelIsUnreachable()
    {
        IConfiguration llm = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Endpoint"] = "http://127.0.0.1:9/v1", ["Llm:ChatModel"] = "test-model", ["Llm:ApiKey"] = "sk-secret-value",
            ["Llm:TimeoutSeconds"] = "2", ["Llm:MaxRetries"] = "0",
        }).Build();
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null), configuration: llm);

        TurnReply reply = await AskAsync(runtime, "jamie.ortiz", "llm-down", "which of my accounts are at risk?");

        Assert.Equal("churn.at_risk", reply.Tool);
        Assert.Contains("built-in router", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-value", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownUser_IsToldToAskAnAdmin()
    {
        TurnReply reply = await AskAsync(Open(), "stranger", "unknown-1", "which accounts are at risk?");

        Assert.Null(reply.Tool);
        Assert.Contains("admin", reply.Text, StringComparison.Ordinal);
    }
}

[Collection(SeededWorkspaceCollection.Name)]
public sealed class AgentControlTests(SeededWorkspaceFixture fixture)
{
    [Fact]
    public async Task AgentCommands_FromChat_AreForAdminsOnly_AndTakeEffect()
    {
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));
        Task<TurnReply> Say(string user, string text) => runtime.Agent.HandleAsync(new TurnRequest("test", "agent-" + user, user, text));

        TurnReply csm = await Say("jamie.ortiz", "/agent stop");
        TurnReply stop = await Say("riley.chen", "/agent stop");
        bool stopped = await runtime.InterventionAgent.IsStoppedAsync(CancellationToken.None);
        TurnReply threshold = await Say("riley.chen", "/agent threshold 0.9");
        TurnReply bad = await Say("riley.chen", "/agent explode");
        TurnReply start = await Say("riley.chen", "/agent start");

        Assert.Contains("Only admins", csm.Text, StringComparison.Ordinal);
        Assert.Equal("interventions.agent_control", stop.Tool);
        Assert.True(stopped);
        Assert.Contains("Agent stopped", stop.Text, StringComparison.Ordinal);
        Assert.Contains("threshold 90%", threshold.Text, StringComparison.Ordinal);
        Assert.Equal(0.9, (await runtime.InterventionAgent.EffectiveOptionsAsync(CancellationToken.None)).RiskThreshold);
        Assert.Contains("Agent commands", bad.Text, StringComparison.Ordinal);
        Assert.Contains("Agent enabled", start.Text, StringComparison.Ordinal);
        Assert.False(await runtime.InterventionAgent.IsStoppedAsync(CancellationToken.None));
        var audit = await runtime.Workspace.Audit.ReadAsync();
        Assert.Contains(audit, e => e.Action == "agent.stop" && e.Actor == "riley.chen");
        Assert.Contains(audit, e => e.Action == "agent.set" && e.Target == "agent.threshold");
    }
}
