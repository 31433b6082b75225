using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.EndToEnd.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Xunit.Abstractions;

namespace CopilotBot.EndToEnd.Tests;

/// <summary>
/// Issue #16's three journeys — a CSM, a manager and an approver — typed and clicked through the bot's local Web Chat
/// page in headless Chromium (js/journey.js), each turn screenshotted, asserting what a new user found wrong and is now
/// fixed: examples from the asker's own book, no 0%/100% risks, a side effect that waits for its open account question
/// (answered by what tells the names apart), counts and churned lists of accounts, a forecast that explains itself
/// with its chart, the cohorts and daily support charts reaching Web Chat, and approval buttons shown only to those
/// who may press them.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class JourneyTests(BotServer bot, ITestOutputHelper output)
{
    [Fact]
    public async Task CsmJourney_ExamplesFromTheirBook_HonestRisks_AndATaskThatWaitsForItsAccount()
    {
        using CopilotWorkspace workspace = bot.OpenWorkspace();
        (string csm, Account first, Account second) = await CsmWithTwoSimilarNamesAsync(workspace);
        string prefix = SharedPrefix(first.Name, second.Name);
        string distinguishing = first.Name[prefix.Length..].Trim().Split(' ')[0];
        HashSet<string> book = (await workspace.Accounts.ListAsync(new AccountQuery(OwnerIds: [csm]))).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        int tasksBefore = (await workspace.Tasks.ListAsync(null, null, null)).Count;

        DriverRun run = await RunAsync("journey-csm", csm,
        [
            Say("help", "Try:", "01-help.png"),
            Say("which accounts are most at risk?", "Accounts at risk", "02-at-risk.png"),
            Say($"remind me to call {prefix} next Friday", "Which account did you mean", "03-which-account.png"),
            Say("make it due Monday", "Which account did you mean", "04-still-asking.png"),
            Say($"the {distinguishing} one", "Task created", "05-task-created.png"),
        ]);

        // Help's examples name accounts in the asker's own book.
        MatchCollection named = ExampleAccount().Matches(Reply(run, 0));
        Assert.NotEmpty(named);
        Assert.All(named, m => Assert.Contains(m.Groups["name"].Value.Trim(), book));

        // Risks never read as certainties.
        Assert.DoesNotMatch(CertainRisk(), Reply(run, 1));

        // The side effect waited: no task while the account question was open, one task once it was answered, for the
        // account the distinguishing word named, due on the Monday the user asked for in between.
        Assert.Contains(first.Name, Reply(run, 2), StringComparison.Ordinal);
        Assert.Contains(second.Name, Reply(run, 2), StringComparison.Ordinal);
        Assert.Contains($"Task created: Follow up with {first.Name}", Reply(run, 4), StringComparison.Ordinal);
        Assert.Contains("Mon 23 Nov", Reply(run, 4), StringComparison.Ordinal);
        IReadOnlyList<CrmTask> tasks = await workspace.Tasks.ListAsync(null, null, null);
        Assert.Equal(tasksBefore + 1, tasks.Count);
        CrmTask created = Assert.Single(tasks, t => t.CreatedBy == csm && t.AccountId == first.Id && t.Status == TaskState.Open && t.DueDate == new DateOnly(2026, 11, 23));
        Assert.Equal(csm, created.AssigneeId);
        AssertScreenshots(run);
    }

    [Fact]
    public async Task ManagerJourney_CountsChurnedListsForecastAndChartsInWebChat()
    {
        using CopilotWorkspace workspace = bot.OpenWorkspace();
        User manager = (await workspace.Users.ListAsync()).First(u => u.Role == UserRole.Manager);

        DriverRun run = await RunAsync("journey-manager", manager.Id,
        [
            Say("how many accounts do we have", "active accounts in your team", "01-how-many.png"),
            Say("show me churned accounts last month", "churned between 2026-10-01 and 2026-10-31", "02-churned-last-month.png"),
            Say("forecast churned ARR for the next 90 days", "Churn forecast", "03-forecast.png"),
            Say("compare churn risk by tier", "Cohorts by tier", "04-cohorts.png"),
            Say("show support sentiment trends by day for the last 30 days", "Support trends (daily)", "05-support-by-day.png"),
        ]);

        // Counts and lists of accounts, not the save rate or the at-risk list.
        int active = (await workspace.Accounts.ListAsync(new AccountQuery(OwnerIds: [.. (await workspace.Users.ListAsync()).Where(u => u.ManagerId == manager.Id).Select(u => u.Id)]))).Count;
        Assert.Matches($@"Active accounts in your team\s+Accounts\s+{active}\b", Reply(run, 0));
        Assert.DoesNotContain("Accounts at risk", Reply(run, 1), StringComparison.Ordinal);

        // The forecast explains itself against history, its interval is a range, and its chart loaded.
        string forecast = Reply(run, 2);
        Assert.Contains("Against history", forecast, StringComparison.Ordinal);
        Assert.Contains("average 90-day churn", forecast, StringComparison.Ordinal);
        Assert.Contains("out of sample", forecast, StringComparison.Ordinal);
        AssertLoadedChart(run, 2);

        // Cohorts and the daily support trends both bring their chart to Web Chat.
        AssertLoadedChart(run, 3);
        AssertLoadedChart(run, 4);
        AssertScreenshots(run);
    }

    [Fact]
    public async Task ApproverJourney_OnlyTheApproverSeesApproveAndReject_AndApprovingIsRecorded()
    {
        using CopilotWorkspace workspace = bot.OpenWorkspace();
        IReadOnlyList<User> users = await workspace.Users.ListAsync();
        User approver = users.First(u => u.Role == UserRole.Approver);
        (string csm, Account platinum) = await CsmWithAPlatinumAccountAsync(workspace, users);
        HashSet<string> before = (await workspace.Interventions.ListAsync(platinum.Id)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);

        DriverRun run = await RunAsync("journey-approver", csm,
        [
            Say($"draft a save email to {platinum.Name}", $"Draft email to {platinum.Name}", "01-draft.png"),
            Click($"Draft email to {platinum.Name}", "Send", "needs an approver", "02-sent-for-approval.png"),
            Say("show pending approvals", $"Approval needed: {platinum.Name}", "03-csm-sees-the-queue.png"),
            new JsonObject { ["as"] = approver.Id, ["name"] = "approver: pending approvals", ["say"] = "show pending approvals", ["expect"] = $"Approval needed: {platinum.Name}", ["screenshot"] = "04-approver-sees-the-queue.png" },
            Click($"Approval needed: {platinum.Name}", "Approve", $"Approved by {approver.Name}", "05-approved.png"),
        ]);

        Assert.Contains($"{platinum.Name} is a Platinum account", Reply(run, 1), StringComparison.Ordinal);
        // People by name on the request, not by user id (issue 16, section 6).
        string csmName = users.First(u => u.Id == csm).Name;
        Assert.Contains($"by {csmName}", Reply(run, 1), StringComparison.Ordinal);
        Assert.DoesNotContain(csm, Reply(run, 1), StringComparison.Ordinal);
        Assert.DoesNotContain("Approve", Buttons(run, 2));
        Assert.DoesNotContain("Reject", Buttons(run, 2));
        Assert.Contains("Approve", Buttons(run, 3));
        Assert.Contains("Reject", Buttons(run, 3));
        Assert.Matches($@"Approved by {Regex.Escape(approver.Name)} at \d\d:\d\d UTC on {BotServer.Today}", Reply(run, 4));

        Intervention approved = Assert.Single(await workspace.Interventions.ListAsync(platinum.Id), i => !before.Contains(i.Id));
        Assert.Equal((csm, approver.Id), (approved.CreatedBy, approved.DecidedBy));
        IReadOnlyList<AuditEntry> audit = await workspace.Audit.ReadAsync();
        Assert.Contains(audit, e => e.Action == "approval.approved" && e.Actor == approver.Id && e.Details?.Contains(approved.Id, StringComparison.Ordinal) == true);
        AssertScreenshots(run);
    }

    private async Task<DriverRun> RunAsync(string scenario, string user, JsonObject[] turns)
    {
        BrowserDriver.RequirePrerequisites();
        string artifacts = Artifacts.Fresh(scenario);
        output.WriteLine($"Artefacts (screenshots, report.json): {artifacts}; bot log: {bot.LogPath}");
        DriverRun run = await BrowserDriver.RunAsync(
            "journey.js",
            new JsonObject { ["bot"] = bot.BaseUrl.ToString(), ["out"] = artifacts, ["user"] = user, ["turns"] = new JsonArray([.. turns]), ["timeoutMs"] = 90_000 },
            artifacts,
            TimeSpan.FromMinutes(5));
        output.WriteLine($"Driver finished in {run.Elapsed.TotalSeconds:F1} s (exit {run.ExitCode}); steps: {run.Report["steps"]?.ToJsonString()}");
        Assert.True(run.Succeeded, "The journey " + run.Describe(artifacts) + "\nBot log tail:\n" + bot.Tail());
        Assert.All(run.Report["turns"]!.AsArray(), t => Assert.Equal(0, (int)t!["sendFailed"]!));
        return run;
    }

    private static JsonObject Say(string text, string expect, string screenshot) =>
        new() { ["name"] = text, ["say"] = text, ["expect"] = expect, ["screenshot"] = screenshot };

    private static JsonObject Click(string card, string button, string expect, string screenshot) =>
        new() { ["name"] = $"click {button}", ["click"] = new JsonObject { ["card"] = card, ["button"] = button }, ["expect"] = expect, ["screenshot"] = screenshot };

    private static string Reply(DriverRun run, int turn) => (string?)run.Report["turns"]![turn]!["reply"] ?? string.Empty;

    private static IReadOnlyList<string> Buttons(DriverRun run, int turn) =>
        [.. run.Report["turns"]![turn]!["buttons"]!.AsArray().Select(b => (string?)b ?? string.Empty)];

    private static void AssertLoadedChart(DriverRun run, int turn)
    {
        JsonArray images = run.Report["turns"]![turn]!["images"]!.AsArray();
        Assert.True(images.Count > 0, $"turn {turn + 1} shows no chart: {Reply(run, turn)}");
        JsonNode chart = images[0]!;
        Assert.True((int)chart["naturalWidth"]! >= 320 && (int)chart["naturalHeight"]! >= 160, $"turn {turn + 1}: the chart did not load ({chart.ToJsonString()})");
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["alt"]), $"turn {turn + 1}: the chart has no alt text");
    }

    private static void AssertScreenshots(DriverRun run)
    {
        Assert.NotEmpty(run.Screenshots);
        foreach (string screenshot in run.Screenshots)
        {
            Artifacts.AssertScreenshot(screenshot);
        }
    }

    /// <summary>A CSM owning two active accounts whose names share their first two words (and neither is just those words).</summary>
    private static async Task<(string Csm, Account First, Account Second)> CsmWithTwoSimilarNamesAsync(CopilotWorkspace workspace)
    {
        IReadOnlyList<Account> active = await workspace.Accounts.ListAsync(new AccountQuery());
        foreach (IGrouping<(string?, string), Account> group in active.Where(a => a.OwnerId is not null)
            .GroupBy(a => (a.OwnerId, string.Join(' ', a.Name.Split(' ').Take(2)))).OrderBy(g => g.Key.Item1, StringComparer.Ordinal))
        {
            var pair = group.Where(a => a.Name.Split(' ').Length == 3).Take(2).ToList();
            if (pair.Count == 2 && group.Count() == 2 && !active.Any(a => a.OwnerId == group.Key.Item1 && a.Name == group.Key.Item2))
            {
                return (group.Key.Item1!, pair[0], pair[1]);
            }
        }

        throw new InvalidOperationException("No CSM in the demo workspace owns two accounts with similar names.");
    }

    private static async Task<(string Csm, Account Platinum)> CsmWithAPlatinumAccountAsync(CopilotWorkspace workspace, IReadOnlyList<User> users)
    {
        foreach (User csm in users.Where(u => u.Role == UserRole.Csm).OrderBy(u => u.Id, StringComparer.Ordinal))
        {
            if ((await workspace.Accounts.ListAsync(new AccountQuery(OwnerIds: [csm.Id], Tier: Tier.Platinum))).FirstOrDefault() is { } platinum)
            {
                return (csm.Id, platinum);
            }
        }

        throw new InvalidOperationException("No CSM in the demo workspace owns a Platinum account.");
    }

    private static string SharedPrefix(string a, string b)
    {
        string[] x = a.Split(' '), y = b.Split(' ');
        return string.Join(' ', x.Zip(y).TakeWhile(p => p.First == p.Second).Select(p => p.First));
    }

    [GeneratedRegex(@"why is (?<name>[^?\n]+?) red\?|save email to (?<name>[^\n]+?)\s*$|remind me to call (?<name>[^\n]+?) next", RegexOptions.Multiline)]
    private static partial Regex ExampleAccount();

    [GeneratedRegex(@"(?<![\d.])(100|0)%")]
    private static partial Regex CertainRisk();
}
