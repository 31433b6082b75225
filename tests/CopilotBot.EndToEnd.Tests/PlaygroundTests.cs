using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.EndToEnd.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Xunit.Abstractions;

namespace CopilotBot.EndToEnd.Tests;

/// <summary>
/// The bot in Microsoft's M365 Agents Playground (its Teams client emulator), clicked through its own UI in headless
/// Chromium by js/playground.js: the at-risk card, a draft to a Platinum account, Send → approval request in place,
/// Approve → "Approved by … at …" in place; then the workspace is checked for what the clicks did.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PlaygroundTests(BotServer bot, ITestOutputHelper output)
{
    private const string AtRiskQuestion = "which accounts are most at risk?";

    [Fact]
    public async Task Playground_ShowsAtRiskCardAndApprovesPlatinumDraftInPlace_WhenClickedThroughTheTeamsUi()
    {
        BrowserDriver.RequirePrerequisites();
        string artifacts = Artifacts.Fresh("playground");
        output.WriteLine($"Artefacts (screenshots, report.json, Playground log): {artifacts}; bot log: {bot.LogPath}; bot ready in {bot.StartupTime.TotalSeconds:F1} s");
        IReadOnlyList<string> expectedAtRisk = CardText.AccountLabels(await bot.AskAsync(AtRiskQuestion)).Take(5).ToList();
        IReadOnlyList<string> platinumAtRisk = CardText.AccountLabels(await bot.AskAsync("which Platinum accounts are most likely to churn?"));
        Assert.True(expectedAtRisk.Count >= 3 && platinumAtRisk.Count > 0, "The demo workspace should have at-risk accounts, Platinum ones among them.");
        (string name, string accountId) = CardText.Split(platinumAtRisk[0]);
        using CopilotWorkspace workspace = bot.OpenWorkspace();
        Assert.Equal(Tier.Platinum, (await workspace.Accounts.GetAsync(accountId))?.Tier);
        string adminId = (await workspace.Meta.GetAsync(WorkspaceKeys.AdminUser))!;
        User admin = (await workspace.Users.GetAsync(adminId))!;
        HashSet<string> before = (await workspace.Interventions.ListAsync(accountId)).Select(i => i.Id).ToHashSet();

        DriverRun run = await BrowserDriver.RunAsync(
            "playground.js",
            new JsonObject { ["bot"] = bot.BaseUrl.ToString(), ["out"] = artifacts, ["account"] = name, ["question"] = AtRiskQuestion, ["timeoutMs"] = 90_000 },
            artifacts,
            TimeSpan.FromMinutes(6));
        output.WriteLine($"Driver finished in {run.Elapsed.TotalSeconds:F1} s (exit {run.ExitCode}); steps: {run.Report["steps"]?.ToJsonString()}");
        foreach (string screenshot in run.Screenshots)
        {
            output.WriteLine("Screenshot: " + screenshot);
        }

        Assert.True(run.Succeeded, "The Agents Playground run " + run.Describe(artifacts) + "\nBot log tail:\n" + bot.Tail());
        Assert.Contains("I'm CopilotBot", run.Text("welcome"), StringComparison.Ordinal);
        string atRisk = run.Text("atRiskCard");
        Assert.Contains("Accounts at risk across the portfolio", atRisk, StringComparison.Ordinal);
        CardText.AssertInOrder(expectedAtRisk, atRisk, "The at-risk card in the Playground");

        string draft = run.Text("draftCard");
        Assert.Contains($"Draft email to {name}", draft, StringComparison.Ordinal);
        Assert.Contains("Subject:", draft, StringComparison.Ordinal);

        string approval = run.Text("approvalCard");
        Assert.Contains($"Approval needed: {name}", approval, StringComparison.Ordinal);
        Assert.Contains($"{name} ({accountId})", approval, StringComparison.Ordinal);
        Assert.Contains("Platinum", approval, StringComparison.Ordinal);
        Assert.Equal(0, run.Report["draftCardsLeft"]?.GetValue<int>());

        string decided = run.Text("decidedCard");
        Assert.Matches(new Regex($@"Approved by {Regex.Escape(admin.Name)} at \d\d:\d\d UTC on {BotServer.Today}"), decided);
        Assert.Equal(0, run.Report["approvalButtonsLeft"]?.GetValue<int>());

        // What the two clicks did in the workspace: one approval request for the account, approved by the admin the
        // Playground's user acts as, now pending its outcome (email queued), with both steps in the audit log.
        List<Intervention> created = (await workspace.Interventions.ListAsync(accountId)).Where(i => !before.Contains(i.Id)).ToList();
        Intervention intervention = Assert.Single(created);
        Assert.Equal((InterventionStatus.Pending, adminId, adminId), (intervention.Status, intervention.CreatedBy, intervention.DecidedBy));
        Assert.Contains(intervention.Id, decided, StringComparison.Ordinal);
        IReadOnlyList<AuditEntry> audit = await workspace.Audit.ReadAsync();
        Assert.Contains(audit, e => e.Action == "approval.requested" && e.Details?.Contains(intervention.Id, StringComparison.Ordinal) == true);
        Assert.Contains(audit, e => e.Action == "approval.approved" && e.Actor == adminId && e.Details?.Contains(intervention.Id, StringComparison.Ordinal) == true);

        foreach (string shot in new[] { "01-at-risk-card.png", "02-draft-card.png", "03-approval-card.png", "04-approved-card.png" })
        {
            Artifacts.AssertScreenshot(Path.Combine(artifacts, shot));
        }
    }
}
