using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Host.Cli;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Tests;

/// <summary>Issue #16 §4 through the agent on the demo workspace: accounts questions, names in the asker's book, help from it, the CLI.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class TrustTests(SeededWorkspaceFixture fixture)
{
    private const string Csm = "sofia.marino";

    private CopilotRuntime Open() => CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    private static Task<TurnReply> AskAsync(CopilotRuntime runtime, string user, string text, string? conversation = null) =>
        runtime.Agent.HandleAsync(new TurnRequest("test", conversation ?? "trust-" + Guid.NewGuid().ToString("N")[..6], user, text));

    [Fact]
    public async Task ChurnedAccountsLastMonth_ListsTheCsmsAccountsThatChurnedThatMonth()
    {
        CopilotRuntime runtime = Open();
        DateOnly first = new DateOnly(runtime.Today.Year, runtime.Today.Month, 1).AddMonths(-1);
        DateOnly last = first.AddMonths(1).AddDays(-1);
        var mine = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm], Status: null)))
            .Where(a => a.Status == AccountStatus.Churned && a.ChurnedOn >= first && a.ChurnedOn <= last).ToList();

        TurnReply reply = await AskAsync(runtime, Csm, "show me churned accounts last month");

        Assert.Equal("portfolio.accounts", reply.Tool);
        Assert.StartsWith($"{mine.Count} churned account", reply.Text, StringComparison.Ordinal);
        Assert.All(mine, a => Assert.Contains(reply.Cards[0].Body.OfType<CardTable>().Last().Rows, r => r[0].EndsWith($"({a.Id})", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HowManyAccounts_CountsTheCsmsActiveAccounts()
    {
        CopilotRuntime runtime = Open();
        int active = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm]))).Count;

        TurnReply reply = await AskAsync(runtime, Csm, "how many accounts do we have");

        Assert.Equal("portfolio.accounts", reply.Tool);
        Assert.StartsWith($"{active} active accounts in your book", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATierFilter_ReadsAsATier_NotAsAccountsForAccounts()
    {
        CopilotRuntime runtime = Open();
        int platinum = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm], Tier: Tier.Platinum))).Count;

        TurnReply reply = await AskAsync(runtime, Csm, "list my Platinum accounts");

        Assert.Equal("portfolio.accounts", reply.Tool);
        Assert.StartsWith($"{platinum} active accounts in your book (Platinum tier)", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("for Platinum accounts", reply.Text + reply.Cards[0].Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartialName_UniqueInTheBook_Resolves_ThoughThePortfolioSharesIt()
    {
        CopilotRuntime runtime = Open();
        var all = await runtime.Workspace.Accounts.ListAsync(new(Status: null));
        var mine = all.Where(a => a.OwnerId == Csm && a.Status == AccountStatus.Active).ToList();
        string Head(Account a) => a.Name.Split(' ')[0];
        Account target = mine.First(a => mine.Count(b => Head(b) == Head(a)) == 1 && all.Count(b => Head(b) == Head(a)) >= 4 && Head(a).Length >= 4);

        TurnReply reply = await AskAsync(runtime, Csm, $"why is {Head(target).ToLowerInvariant()} red?");

        Assert.Equal("churn.explain", reply.Tool);
        Assert.Equal(target.Id, reply.Arguments["account"]?.ToString());
    }

    [Fact]
    public async Task Help_NamesOnlyAccountsInTheAskersBook_AndItsExamplesWork()
    {
        CopilotRuntime runtime = Open();
        var all = await runtime.Workspace.Accounts.ListAsync(new(Status: null));
        var mine = all.Where(a => a.OwnerId == Csm).ToList();

        TurnReply help = await AskAsync(runtime, Csm, "what can you do?");
        var examples = help.Cards[0].Body.OfType<CardTable>().Single().Rows.Select(r => r[1]).ToList();
        string draft = examples.Single(e => e.StartsWith("draft a save email to ", StringComparison.Ordinal));
        TurnReply tried = await AskAsync(runtime, Csm, draft);

        Assert.Contains(mine, a => draft.EndsWith(a.Name, StringComparison.Ordinal));
        Assert.DoesNotContain(all.Where(a => a.OwnerId != Csm), a => examples.Any(e => e.Contains(a.Name + " ", StringComparison.Ordinal) || e.EndsWith(a.Name, StringComparison.Ordinal) || e.Contains(a.Id, StringComparison.Ordinal)));
        Assert.Equal("interventions.draft", tried.Tool);
        Assert.DoesNotContain("access", tried.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GlobalOptionBeforeTheCommand_RunsTheCommand_NotTheServer()
    {
        string[] args = CliApp.WithCommand(["--workspace", fixture.Directory, "--now", "2026-11-20", "users"]);
        var stdout = new StringWriter();
        int exit = await CliApp.Build((_, _) => Task.FromResult(99), new StringReader(string.Empty), stdout, new StringWriter())
            .Parse(args)
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout });

        Assert.Equal(0, exit);
        Assert.Contains(Csm, stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(["serve", "--urls", "http://127.0.0.1:0"], CliApp.WithCommand(["--urls", "http://127.0.0.1:0"]));
        Assert.Equal(["serve"], CliApp.WithCommand([]));
    }

    /// <summary>
    /// The demo need not hold a pending approval request in her book (with the present demo it holds none, so her queue
    /// would be empty and the test would prove nothing), so the test files one, in a private copy of the workspace.
    /// </summary>
    [Fact]
    public async Task ApprovalCards_ShowApproveAndReject_OnlyToThoseWhoMayUseThem()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        try
        {
            CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(directory, SeededWorkspaceFixture.Today, null, null));
            User approver = (await runtime.Workspace.Users.ListAsync()).First(u => u.Role == UserRole.Approver);
            Account hers = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm]))).OrderBy(a => a.Id, StringComparer.Ordinal).First();
            DateTimeOffset now = runtime.Clock.GetUtcNow();
            await runtime.Workspace.Interventions.UpsertAsync(
                [new Intervention("Itrust" + Guid.NewGuid().ToString("N")[..8], hers.Id, "email", InterventionStatus.PendingApproval, 0.9, now.AddHours(-1), Csm, $"Hi {hers.Name} team", null, null)]);

            TurnReply csm = await AskAsync(runtime, Csm, "show me the approval queue");
            TurnReply decider = await AskAsync(runtime, approver.Id, "show me the approval queue");

            Assert.Equal("interventions.approvals", csm.Tool);
            Assert.NotEmpty(csm.Cards);
            Assert.All(csm.Cards, c => Assert.DoesNotContain(c.Actions, a => a.Verb is "approve" or "reject"));
            Assert.Contains(decider.Cards, c => c.Actions.Any(a => a.Verb == "approve") && c.Actions.Any(a => a.Verb == "reject"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Explain_NamesTheColourOfItsOwnDot()
    {
        CopilotRuntime runtime = Open();
        var scores = await runtime.Risk.ScoreAsync(CancellationToken.None);
        var orange = scores.First(r => r.Urgency == CopilotBot.Plugins.Churn.Urgency.Within30Days && r.Account.OwnerId is not null);

        TurnReply why = await AskAsync(runtime, orange.Account.OwnerId!, $"why is {orange.Account.Id} at risk?");

        Assert.Equal("churn.explain", why.Tool);
        Assert.Contains("is orange (🟠", why.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" is red", why.Text, StringComparison.Ordinal);
    }
}
