using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Growth;
using CopilotBot.Plugins.Growth.Planning;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Host.Tests;

/// <summary>
/// Adoption, expansion and account plans end to end: a question through the router and the kernel to the card, on the
/// demo workspace (its growth data: features with prerequisites, first uses, subscriptions), checked against the data.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class GrowthDialogueTests(SeededWorkspaceFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.Parse(SeededWorkspaceFixture.Today, System.Globalization.CultureInfo.InvariantCulture);

    private CopilotRuntime Open(string? directory = null) =>
        CopilotRuntime.Open(HostSettings.Resolve(directory ?? fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    private static Task<TurnReply> AskAsync(CopilotRuntime runtime, string user, string text) =>
        runtime.Agent.HandleAsync(new TurnRequest("test", "growth-" + Guid.NewGuid().ToString("N")[..8], user, text));

    [Fact]
    public async Task NextSteps_RecommendOnlyUnusedFeaturesWhosePrerequisitesAreUsed_WithAnEnablementEmail()
    {
        CopilotRuntime runtime = Open();
        GrowthData data = await runtime.Growth.DataAsync();
        AdoptionAnalysis analysis = await runtime.Growth.AdoptionAsync();
        Account account = data.Accounts.Where(a => a.Status == AccountStatus.Active && a.OwnerId is not null)
            .First(a => analysis.NextStepsFor(a.Id) is { Recommendations.Count: 3 } n && n.Uses.Count >= 2);

        TurnReply reply = await AskAsync(runtime, account.OwnerId!, $"what should {account.Id} adopt next?");

        Assert.Equal("adoption.next_steps", reply.Tool);
        Assert.Equal(account.Id, reply.Arguments["account"]?.ToString());
        IReadOnlyList<string> used = analysis.FeaturesUsedBy(account.Id);
        var features = data.Features.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var table = reply.Cards[0].Body.OfType<CardTable>().First();
        Assert.Equal(3, table.Rows.Count);
        foreach (IReadOnlyList<string> row in table.Rows)
        {
            string feature = row[1];
            Assert.DoesNotContain(feature, used, StringComparer.OrdinalIgnoreCase);
            Assert.All(features[feature].Requires, r => Assert.Contains(r, used, StringComparer.OrdinalIgnoreCase));
        }

        string first = table.Rows[0][1];
        Assert.Contains(reply.Cards[0].Body.OfType<CardText>(), t => t.Text.StartsWith("Hi ", StringComparison.Ordinal) && t.Text.Contains(first, StringComparison.Ordinal));
        Assert.Contains(reply.Cards[0].Actions, a => a.Verb == "crm.create_task" && a.Data["title"].Contains(first, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NextSteps_ForAChurnedOrUnknownAccount_SayWhyInsteadOfGuessing()
    {
        CopilotRuntime runtime = Open();
        Account churned = (await runtime.Workspace.Accounts.ListAsync(new(Status: AccountStatus.Churned)))[0];

        TurnReply gone = await runtime.Agent.HandleAsync(new TurnRequest("test", "g-churned", "riley.chen", "", new JsonObject { ["verb"] = "adoption.next_steps", ["account"] = churned.Id }));
        TurnReply unknown = await runtime.Agent.HandleAsync(new TurnRequest("test", "g-unknown", "riley.chen", "", new JsonObject { ["verb"] = "adoption.next_steps", ["account"] = "P99999" }));

        Assert.Contains("already churned", gone.Text, StringComparison.Ordinal);
        Assert.Empty(gone.Cards);
        Assert.Contains("can't find", unknown.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patterns_ReadTheSegmentAndTheFeatureFromTheQuestion_AndMatchTheAnalysis()
    {
        CopilotRuntime runtime = Open();
        AdoptionAnalysis analysis = await runtime.Growth.AdoptionAsync();
        AdoptionPatterns expected = analysis.Patterns(new SegmentFilter("Healthcare"), "SSO");

        TurnReply reply = await AskAsync(runtime, "riley.chen", "what do customers in healthcare typically adopt after SSO?");

        Assert.Equal("adoption.patterns", reply.Tool);
        Assert.Contains("after SSO", reply.Cards[0].Title, StringComparison.Ordinal);
        CardTable table = reply.Cards[0].Body.OfType<CardTable>().First();
        NextFeaturePattern top = expected.Next.First(n => n.Accounts > 0);
        Assert.Equal(top.Feature, table.Rows[0][0]);
        Assert.Contains($"({top.Within90}/{top.Eligible90})", table.Rows[0][2], StringComparison.Ordinal);
        Assert.Contains($"{expected.WithAnchor} using SSO", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_ShowsThePlainLiftBesideTheModelsEffect()
    {
        CopilotRuntime runtime = Open();

        TurnReply reply = await AskAsync(runtime, "riley.chen", "which features predict retention?");

        Assert.Equal("adoption.patterns", reply.Tool);
        CardTable table = reply.Cards[0].Body.OfType<CardTable>().First();
        Assert.Equal(["Feature", "Churn if used", "Churn if not", "Plain lift", "Model effect"], table.Columns);
        AdoptionAnalysis analysis = await runtime.Growth.AdoptionAsync();
        FeatureRetention strongest = analysis.Retention()[0];
        Assert.Equal(strongest.Feature, table.Rows[0][0]);
        Assert.StartsWith("−", table.Rows[0][4], StringComparison.Ordinal); // the most protective feature lowers churn in the model
    }

    [Fact]
    public async Task Expansion_IsScopedToTheBook_RankedByProbability_AndNeverPitchesHighRiskAccounts()
    {
        CopilotRuntime runtime = Open();
        ExpansionState state = await runtime.Growth.ExpansionAsync();
        var risk = (await runtime.Risk.ScoreAsync(CancellationToken.None)).ToDictionary(r => r.Account.Id, r => r.Probability);
        string csm = (await runtime.Workspace.Users.ListAsync()).First(u => u.Role == UserRole.Csm).Id;

        TurnReply everyone = await AskAsync(runtime, "riley.chen", "who is ready for an upsell?");
        TurnReply mine = await AskAsync(runtime, csm, "which of my accounts could buy more seats?");

        Assert.Equal("expansion.opportunities", everyone.Tool);
        Assert.Equal("expansion.opportunities", mine.Tool);
        Assert.False(state.FromRule, state.Training.CannotTrainReason);
        var shown = everyone.Cards[0].Body.OfType<CardTable>().First().Rows.Select(r => r[0].Split('(', ')')[^2]).ToList();
        Assert.Equal(10, shown.Count);
        Assert.All(shown, id => Assert.True(risk.GetValueOrDefault(id) < RetentionSpecialist.HighRisk, $"{id} is at high churn risk and was pitched"));
        var probabilities = shown.Select(id => state.For(id)!.Probability).ToList();
        Assert.Equal(probabilities.OrderByDescending(p => p), probabilities);
        // Nobody more likely to expand was skipped except those held back for churn risk.
        Assert.All(state.Scores.TakeWhile(s => s.Account.Id != shown[^1]), s => Assert.True(shown.Contains(s.Account.Id) || risk.GetValueOrDefault(s.Account.Id) >= RetentionSpecialist.HighRisk));
        IReadOnlyList<Account> book = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [csm]));
        Assert.NotEmpty(mine.Cards[0].Body.OfType<CardTable>().First().Rows);
        Assert.All(mine.Cards[0].Body.OfType<CardTable>().First().Rows, r => Assert.Contains(book, a => r[0].EndsWith($"({a.Id})", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Plan_LeadsWithRetentionAtHighRisk_HoldsTheUpsell_AndEveryStepCitesItsEvidence()
    {
        CopilotRuntime runtime = Open();
        AccountRisk risky = (await runtime.Risk.ScoreAsync(CancellationToken.None)).First(r => r.Probability >= RetentionSpecialist.HighRisk && r.Account.OwnerId is not null);

        TurnReply reply = await AskAsync(runtime, risky.Account.OwnerId!, $"give me a plan for {risky.Account.Id}");
        AccountPlan plan = await runtime.Planner.PlanAsync(risky.Account, Today, CancellationToken.None);

        Assert.Equal("account.plan", reply.Tool);
        Assert.Equal(PlanTrack.Retention, plan.Steps[0].Track);
        Assert.DoesNotContain(plan.Steps, s => s.Track == PlanTrack.Expansion);
        Assert.All(plan.Steps, s => Assert.All(s.Cites, id => Assert.True(plan.Evidence.ContainsKey(id), $"step '{s.Title}' cites {id}, which is not in the evidence")));
        Assert.All(plan.Steps, s => Assert.True(s.Due >= Today));
        Assert.InRange(plan.Steps.Count, 1, AccountPlanner.MaxSteps);
        Assert.Equal(plan.Steps.Select(s => s.Title), reply.Cards[0].Body.OfType<CardTable>().First().Rows.Select(r => r[1]));
        Assert.Contains(reply.Cards[0].Body.OfType<CardChart>(), c => c.Spec.Series.Any(s => s.Name == "Seats bought"));
        Assert.Contains(reply.Cards[0].Actions, a => a.Verb == AccountPlugin.CreateTasksVerb);
    }

    [Fact]
    public async Task PlanTasks_OneClickCreatesEveryStepThroughCrmCreateTask_WithItsDueDate()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotRuntime runtime = Open(directory);
        Account account = (await runtime.Risk.ScoreAsync(CancellationToken.None)).First(r => r.Probability >= 0.3 && r.Account.OwnerId is not null).Account;
        AccountPlan plan = await runtime.Planner.PlanAsync(account, Today, CancellationToken.None);

        TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "plan-tasks", account.OwnerId!, "", new JsonObject { ["verb"] = AccountPlugin.CreateTasksVerb, ["account"] = account.Id }));

        IReadOnlyList<CrmTask> tasks = await runtime.Workspace.Tasks.ListAsync(null, account.Id, TaskState.Open);
        Assert.Contains($"Created {plan.Steps.Count} task", reply.Text, StringComparison.Ordinal);
        foreach (PlanStep step in plan.Steps)
        {
            Assert.Contains(tasks, t => t.Title.StartsWith(step.Title, StringComparison.Ordinal) && t.DueDate == step.Due);
        }

        var audit = await runtime.Workspace.Audit.ReadAsync();
        Assert.Equal(plan.Steps.Count, audit.Count(e => e.Action.Contains("crm.create_task", StringComparison.Ordinal) && e.Target == account.Id));
    }

    [Fact]
    public async Task KeyFeatureFirstUse_RaisesOneNextStepAlert_AndAResentEventNone()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotRuntime runtime = Open(directory);
        GrowthData data = await runtime.Growth.DataAsync();
        ProductFeature key = data.Features.First(f => f.Key && f.Requires.Count == 0 && f.MinPlan == Plan.Starter);
        var users = data.FirstUses.Where(u => string.Equals(u.Feature, key.Name, StringComparison.OrdinalIgnoreCase)).Select(u => u.AccountId).ToHashSet();
        Account account = data.Accounts.First(a => a.Status == AccountStatus.Active && a.OwnerId is not null && !users.Contains(a.Id));
        string body = $$"""{"type":"feature_used","id":"fe-1","account_id":"{{account.Id}}","feature":"{{key.Name}}","users":4,"at":"2026-11-20T10:00:00Z"}""";

        EventParser parser = await runtime.Events.ParserAsync(CancellationToken.None);
        var first = await runtime.Events.IngestAsync(parser.ParseJson(System.Text.Encoding.UTF8.GetBytes(body)), CancellationToken.None);
        var again = await runtime.Events.IngestAsync(parser.ParseJson(System.Text.Encoding.UTF8.GetBytes(body)), CancellationToken.None);

        Alert alert = Assert.Single(first.Alerts);
        Assert.Equal(("next_step", account.Id, account.OwnerId), (alert.Trigger, alert.AccountId, alert.RecipientId));
        Assert.Contains($"started using {key.Name}", alert.Summary, StringComparison.Ordinal);
        Assert.Empty(again.Alerts);
        Assert.Equal(1, first.FeatureEvents);
        Assert.Equal(0, again.FeatureEvents);
    }

    [Fact]
    public async Task SeatCeiling_UsageAtEverySeatRaisesAnExpansionAlert_ButNotForAnAccountAtHighChurnRisk()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotRuntime runtime = Open(directory);
        var scores = await runtime.Risk.ScoreAsync(CancellationToken.None);
        Account healthy = scores.First(r => r.Probability < 0.1 && r.Account.Seats > 0 && r.Account.OwnerId is not null).Account;
        Account risky = scores.First(r => r.Probability >= 0.6 && r.Account.Seats > 0 && r.Account.OwnerId is not null).Account;
        string Event(Account a, string id) =>
            $$"""{"type":"usage","id":"{{id}}","account_id":"{{a.Id}}","at":"2026-11-20T10:00:00Z","logins":3,"active_users":{{a.Seats}}}""";

        EventParser parser = await runtime.Events.ParserAsync(CancellationToken.None);
        var result = await runtime.Events.IngestAsync(parser.ParseJson(System.Text.Encoding.UTF8.GetBytes("[" + Event(healthy, "u-1") + "," + Event(risky, "u-2") + "]")), CancellationToken.None);

        Alert alert = Assert.Single(result.Alerts, a => a.Trigger == "seat_ceiling");
        Assert.Equal(healthy.Id, alert.AccountId);
        Assert.Contains($"{healthy.Seats} active users on {healthy.Seats} seats", alert.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportCommand_WritesThePlanAsPdfAndMarkdown_AndRefusesAnUnknownAccount()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        string pdf = Path.Combine(directory, "out", "plan.pdf");
        string md = Path.Combine(directory, "out", "plan.md");
        Account account = (await CopilotBot.Workspace.CopilotWorkspace.Open(directory).Accounts.ListAsync(new(Tier: Tier.Gold)))[0];

        (int pdfExit, string pdfOut, string pdfErr) = await Cli.RunAsync("", "report", "account", account.Id, "--out", pdf, "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (int mdExit, _, string mdErr) = await Cli.RunAsync("", "report", "account", account.Id, "--format", "md", "--out", md, "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (int badExit, _, string badErr) = await Cli.RunAsync("", "report", "account", "P99999", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);

        Assert.True(pdfExit == 0, pdfErr);
        Assert.Contains("Report written: " + pdf, pdfOut, StringComparison.Ordinal);
        Assert.Equal("%PDF"u8.ToArray(), File.ReadAllBytes(pdf)[..4]);
        Assert.True(mdExit == 0, mdErr);
        string markdown = await File.ReadAllTextAsync(md);
        Assert.StartsWith($"# Account plan: {account.Name}", markdown, StringComparison.Ordinal);
        Assert.Contains("| Id | Fact | Source |", markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "out", "plan-1.png")), "the seat chart is written beside the Markdown");
        Assert.Equal(1, badExit);
        Assert.Contains("can't find an account", badErr, StringComparison.Ordinal);
    }
}
