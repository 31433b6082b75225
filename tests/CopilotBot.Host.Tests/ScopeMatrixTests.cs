using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Filters;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using Microsoft.SemanticKernel;

namespace CopilotBot.Host.Tests;

/// <summary>
/// Scope, function by function: a CSM never learns anything about another CSM's accounts — not by id, not by name,
/// not through a follow-up (their own or someone else's in a shared chat), not through retrieved evidence, and not
/// through a list, count, trend or total. The catalog is enumerated at run time: a function added without scope cases
/// fails <see cref="Catalog_EveryFunctionHasScopeCases"/>, and any function taking an account, intervention or task id is
/// exercised by <see cref="EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing"/> automatically.
/// </summary>
/// <remarks>
/// Policy (README "Scope"): an account id outside the caller's scope is refused with
/// <see cref="AuthorizationFilter.NoAccess"/> (ids are sequential, so that an id exists is no secret; nothing else about it
/// is said); a name outside the scope gets exactly the reply a name that exists nowhere gets, so it is not even confirmed.
/// </remarks>
[Collection(SeededWorkspaceCollection.Name)]
public sealed partial class ScopeMatrixTests(SeededWorkspaceFixture fixture, ScopeMatrixTests.WritableCopy copy) : IClassFixture<ScopeMatrixTests.WritableCopy>
{
    private const string Csm = "sofia.marino";
    private const string OtherCsm = "lukas.weber";
    private const string Admin = "riley.chen";
    private const string NoAccessToTask = "You don't have access to that task.";

    /// <summary>Every catalog function and the tests here that cover its scope. A new function needs an entry.</summary>
    private static readonly Dictionary<string, string[]> Coverage = new(StringComparer.Ordinal)
    {
        ["churn.at_risk"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook), nameof(FollowUps_NeverResolveToAnotherCsmsAccount)],
        ["churn.explain"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(FollowUps_NeverResolveToAnotherCsmsAccount), nameof(Evidence_NeverComesFromAnotherCsmsConversations)],
        ["support.ask"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(Evidence_NeverComesFromAnotherCsmsConversations), nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["support.trends"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(Evidence_NeverComesFromAnotherCsmsConversations), nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["interventions.draft"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(FollowUps_NeverResolveToAnotherCsmsAccount)],
        ["interventions.send_draft"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.edit_draft"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.edit_approval"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.revise"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.run_agent"] = [nameof(AdminOnlyFunctions_RefuseACsm_AndChangeNothing)],
        ["interventions.agent_control"] = [nameof(AdminOnlyFunctions_RefuseACsm_AndChangeNothing)],
        ["interventions.approve"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.reject"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["interventions.approvals"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["interventions.record_outcome"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas)],
        ["interventions.summary"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["crm.create_task"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas)],
        ["crm.list_tasks"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["crm.complete_task"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas), nameof(RecordIds_AreCheckedByTheAuthorizationFilter)],
        ["portfolio.summary"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["portfolio.forecast"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["portfolio.cohorts"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["portfolio.accounts"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["alerts.dismiss"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["alerts.list"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["renewals.upcoming"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["adoption.next_steps"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas)],
        ["adoption.patterns"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["expansion.opportunities"] = [nameof(Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook)],
        ["account.plan"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing), nameof(ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas)],
        ["account.create_plan_tasks"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
        ["account.export_plan"] = [nameof(EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing)],
    };

    private CopilotRuntime Open() => CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    /// <summary>The tests that write (records, outcomes, alerts) share one private copy of the demo workspace.</summary>
    private CopilotRuntime OpenWritable() => CopilotRuntime.Open(HostSettings.Resolve(copy.Of(fixture.Directory), SeededWorkspaceFixture.Today, null, null));

    public sealed class WritableCopy : IDisposable
    {
        private readonly Lock _gate = new();
        private string? _directory;

        public string Of(string source)
        {
            lock (_gate)
            {
                return _directory ??= SeededWorkspaceFixture.Copy(source);
            }
        }

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                if (_directory is not null)
                {
                    System.IO.Directory.Delete(_directory, recursive: true);
                }
            }
            catch (IOException)
            {
                // Best effort: the OS cleans temp folders.
            }
        }
    }

    [Fact]
    public void Catalog_EveryFunctionHasScopeCases()
    {
        var catalog = Open().Kernel.Functions().Select(f => f.CatalogName()).ToList();
        var tests = typeof(ScopeMatrixTests).GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).Select(m => m.Name).ToHashSet();

        var missing = catalog.Where(f => !Coverage.ContainsKey(f)).ToList();
        Assert.True(missing.Count == 0, "Catalog functions without scope tests (add cases here): " + string.Join(", ", missing));
        Assert.Empty(Coverage.Keys.Except(catalog));
        Assert.All(Coverage, c => Assert.All(c.Value, t => Assert.Contains(t, tests)));
    }

    /// <summary>
    /// For every function with an account, intervention or task parameter (found by reflection, so new ones are included),
    /// the call a card click would make with another CSM's record: refused, nothing about the record in the reply, and
    /// nothing changed in the store. The account also goes under a differently cased key, which the kernel binds too.
    /// </summary>
    [Fact]
    public async Task EveryFunctionTakingARecord_RefusesAnotherCsmsRecordById_AndChangesNothing()
    {
        CopilotRuntime runtime = OpenWritable();
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime);
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        CrmTask otherTask = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", other.Id, $"Renewal call with {other.Name}", runtime.Today.AddDays(3), OtherCsm, TaskState.Open, now, OtherCsm, null));
        CrmTask otherLooseTask = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", null, "Prepare the QBR deck", runtime.Today.AddDays(3), OtherCsm, TaskState.Open, now, OtherCsm, null));
        var request = new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], other.Id, "email", InterventionStatus.PendingApproval, 0.9, now, OtherCsm, $"Hi {other.Name} team", null, null);
        var open = new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], other.Id, "email", InterventionStatus.Pending, 0.8, now.AddMinutes(-5), OtherCsm, "Hi", null, null);
        await runtime.Workspace.Interventions.UpsertAsync([request, open]);
        string before = await StateAsync(runtime, other, otherLooseTask.Id);
        var covered = new List<string>();

        foreach (KernelFunction function in runtime.Kernel.Functions())
        {
            var parameters = function.Metadata.Parameters.Select(p => Normal(p.Name)).ToHashSet();
            var calls = new List<JsonObject>();
            if (parameters.Contains("account"))
            {
                calls.Add(new JsonObject { ["account"] = other.Id });
                calls.Add(new JsonObject { ["Account"] = other.Id });
            }

            if (parameters.Contains("intervention"))
            {
                calls.Add(new JsonObject { ["intervention"] = request.Id });
            }

            if (parameters.Contains("taskid"))
            {
                calls.Add(new JsonObject { ["task_id"] = otherTask.Id });
                calls.Add(new JsonObject { ["task_id"] = otherLooseTask.Id });
            }

            if (calls.Count > 0)
            {
                covered.Add(function.CatalogName());
            }

            foreach (JsonObject call in calls)
            {
                call["verb"] = function.CatalogName();
                foreach ((string name, string value) in Extras.Where(e => parameters.Contains(e.Key)))
                {
                    call[name] = value;
                }

                string sent = call.ToJsonString();
                TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-id-" + Guid.NewGuid().ToString("N")[..8], Csm, "", call));

                bool roleRefusal = function.Policy().MinimumRole != UserRole.Csm && reply.Text.StartsWith("Only ", StringComparison.Ordinal);
                string expected = call.ContainsKey("task_id") ? NoAccessToTask : AuthorizationFilter.NoAccess;
                Assert.True(roleRefusal || reply.Text == expected, $"{sent} as {Csm} answered: {reply.Text}");
                Assert.Empty(reply.Cards);
                Assert.Empty(reply.Evidence);
                string shown = Shown(reply, withArguments: false);
                foreach (string secret in new[] { other.Id, other.Name, Money(other.Arr), otherTask.Title, otherLooseTask.Title, request.Id })
                {
                    if (shown.Contains(secret, StringComparison.OrdinalIgnoreCase))
                    {
                        Assert.Fail($"{sent}: the reply shows '{secret}': {shown}");
                    }
                }
            }
        }

        Assert.Equal(before, await StateAsync(runtime, other, otherLooseTask.Id));
        Assert.Superset(
            new HashSet<string> { "churn.explain", "support.ask", "interventions.draft", "interventions.send_draft", "interventions.approve", "interventions.record_outcome", "crm.create_task", "crm.complete_task", "alerts.dismiss" },
            covered.ToHashSet());
        Assert.Contains(mine, a => a.OwnerId == Csm);
    }

    /// <summary>Harmless values for the other parameters, so a call fails on scope and not on a missing detail.</summary>
    private static readonly Dictionary<string, string> Extras = new()
    {
        ["outcome"] = "saved", ["trigger"] = "risk_jump", ["title"] = "Call them", ["channel"] = "email", ["question"] = "billing problems",
    };

    [Fact]
    public async Task ByName_AnotherCsmsAccountGetsTheReplyOfANameNoAccountHas()
    {
        CopilotRuntime runtime = OpenWritable();
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime);
        // The same workspace in which that name belongs to no account (his account renamed): what she is told there is
        // what she must be told here, so the reply cannot tell her the account exists.
        string elsewhere = SeededWorkspaceFixture.Copy(fixture.Directory);
        try
        {
            CopilotRuntime without = CopilotRuntime.Open(HostSettings.Resolve(elsewhere, SeededWorkspaceFixture.Today, null, null));
            await without.Workspace.Accounts.UpsertAsync([other with { Name = "Renamed Holdings" }]);
            string[] questions =
            [
                "why is {0} at risk?", "draft an email to {0}", "draft a call script for {0}", "create a task to call {0} next Friday",
                "remind me to email {0} tomorrow", "what is {0} complaining about in support?", "show support trends for {0}",
                "mark {0} as saved", "what tasks are open for {0}?", "mark the task for {0} done", "{0}", "how risky is {0}?",
                "what should {0} adopt next?", "give me a plan for {0}",
            ];

            foreach (string question in questions)
            {
                string text = string.Format(question, other.Name);
                TurnReply here = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-name-" + Guid.NewGuid().ToString("N")[..8], Csm, text));
                TurnReply there = await without.Agent.HandleAsync(new TurnRequest("test", "scope-name-" + Guid.NewGuid().ToString("N")[..8], Csm, text));

                string shown = Shown(here, withArguments: true);
                Assert.DoesNotContain(other.Id, shown, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Money(other.Arr), shown, StringComparison.Ordinal);
                Assert.Equal(there.Tool, here.Tool);
                Assert.Equal(GeneratedIds().Replace(Shown(there, withArguments: true), "#"), GeneratedIds().Replace(shown, "#"));
            }
        }
        finally
        {
            // The copy's support index may still be building in the background (a support question started it): a file
            // written during the delete is retried, and a scratch folder left behind in /tmp never fails the test.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            for (int attempt = 1; Directory.Exists(elsewhere); attempt++)
            {
                try
                {
                    Directory.Delete(elsewhere, recursive: true);
                }
                catch (IOException) when (attempt < 5)
                {
                    await Task.Delay(200 * attempt);
                }
                catch (IOException)
                {
                    break;
                }
            }
        }

        Assert.DoesNotContain(mine, a => a.Name == other.Name);
    }

    [Fact]
    public async Task FollowUps_NeverResolveToAnotherCsmsAccount()
    {
        CopilotRuntime runtime = OpenWritable();
        // "The second one" needs a list of two: two CSMs whose at-risk lists each have a second row (churn.at_risk lists
        // those at 10% risk or more when fewer than ten reach 30%). In the demo, her book has only one such account and
        // his none, so the test chooses the first two CSMs with two or more.
        var scores = await runtime.Risk.ScoreAsync(CancellationToken.None);
        var pair = (await runtime.Workspace.Users.ListAsync()).Where(u => u.Role == UserRole.Csm)
            .Where(u => scores.Count(r => r.Account.OwnerId == u.Id && r.Account.Status == AccountStatus.Active && r.Probability >= 0.1) >= 2)
            .OrderBy(u => u.Id, StringComparer.Ordinal).Take(2).Select(u => u.Id).ToList();
        Assert.Equal(2, pair.Count);
        string her = pair[0], him = pair[1];
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime, her, him);
        var mineIds = mine.Select(a => a.Id).ToHashSet();
        IReadOnlyList<Account> theirs = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [him], Status: null));
        string conversation = "scope-follow-" + Guid.NewGuid().ToString("N")[..8];
        Task<TurnReply> Ask(string user, string conv, string text) => runtime.Agent.HandleAsync(new TurnRequest("test", conv, user, text));

        TurnReply list = await Ask(her, conversation, "who in my book is most likely to churn?");
        TurnReply second = await Ask(her, conversation, "why is the second one red?");
        TurnReply byName = await Ask(her, conversation, $"and what about {other.Name}?");
        TurnReply byId = await Ask(her, conversation, $"why is {other.Id} at risk?");
        TurnReply them = await Ask(her, conversation, "draft an email to them");
        TurnReply task = await Ask(her, conversation, "remind me to call them next Friday");

        Assert.Equal("churn.at_risk", list.Tool);
        Assert.Contains(second.Arguments["account"]!.ToString()!, mineIds);
        Assert.Equal(AuthorizationFilter.NoAccess, byId.Text);
        foreach (TurnReply reply in new[] { byName, byId, them, task })
        {
            string shown = Shown(reply, withArguments: true);
            Assert.DoesNotContain(other.Name, shown, StringComparison.OrdinalIgnoreCase);
            if (reply.Arguments.TryGetValue("account", out object? account) && account?.ToString() is { } id && !mineIds.Contains(id))
            {
                Assert.Equal(AuthorizationFilter.NoAccess, reply.Text);
            }
        }

        // A shared conversation (a Teams group chat: one conversation id, several people): what one person was shown
        // never resolves for another, and the other's turn does not erase the first person's memory.
        string group = "19:scope-group-" + Guid.NewGuid().ToString("N")[..8] + "@thread.v2";
        TurnReply theirList = await Ask(him, group, "who in my book is most likely to churn?");
        var theirRows = Rows(theirList);
        TurnReply hers = await Ask(her, group, "why is the first one red?");
        TurnReply hersDraft = await Ask(her, group, "draft an email to the second one");
        TurnReply theirs2 = await Ask(him, group, "why is the second one red?");

        Assert.True(theirRows.Count >= 2);
        Assert.All(theirRows, id => Assert.Contains(theirs, a => a.Id == id));
        foreach (TurnReply reply in new[] { hers, hersDraft })
        {
            string shown = Shown(reply, withArguments: true);
            Assert.All(theirs, a => Assert.DoesNotContain(a.Id, shown, StringComparison.OrdinalIgnoreCase));
            Assert.NotEqual(AuthorizationFilter.NoAccess, reply.Text);
        }

        Assert.Equal("churn.explain", theirs2.Tool);
        Assert.Equal(theirRows[1], theirs2.Arguments["account"]?.ToString());
    }

    [Fact]
    public async Task Evidence_NeverComesFromAnotherCsmsConversations()
    {
        CopilotRuntime runtime = OpenWritable();
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime);
        var mineIds = mine.Select(a => a.Id).ToHashSet();
        // Conversations of his account, with words no other conversation has (the retrieval index picks them up).
        const string Said = "The zorblax gateway keeps dropping our quarterly uploads";
        DateTimeOffset at = runtime.Clock.GetUtcNow().AddDays(-3);
        var theirConversations = Enumerable.Range(0, 3).Select(i => "Cscope" + Guid.NewGuid().ToString("N")[..8]).ToHashSet();
        await runtime.Workspace.Conversations.UpsertAsync(theirConversations.Select(id => (
            new SupportConversation(id, other.Id, at, "integration", -0.8, "email", "zorblax gateway"),
            (IReadOnlyList<ConversationTurn>)[new ConversationTurn(id, 0, Speaker.Customer, at, Said), new ConversationTurn(id, 1, Speaker.Agent, at, "Sorry, looking into it.")])).ToList());

        PluginResult asAdmin = await CallAsync(runtime, Admin, "support.ask", new() { ["question"] = "what is wrong with the zorblax gateway?" });
        PluginResult asCsm = await CallAsync(runtime, Csm, "support.ask", new() { ["question"] = "what is wrong with the zorblax gateway?" });
        PluginResult integration = await CallAsync(runtime, Csm, "support.ask", new() { ["question"] = "which uploads keep dropping?", ["topic"] = "integration" });
        PluginResult billing = await CallAsync(runtime, Csm, "support.ask", new() { ["question"] = "what are customers saying about invoices and billing errors?" });
        PluginResult trends = await CallAsync(runtime, Csm, "support.trends", []);
        Account risky = (await runtime.Risk.ScoreAsync(CancellationToken.None)).Where(r => r.Account.OwnerId == Csm).MaxBy(r => r.Probability)!.Account;
        PluginResult explain = await CallAsync(runtime, Csm, "churn.explain", new() { ["account"] = risky.Id });

        // The admin's answer proves the words are findable; the CSM's answers have none of them.
        Assert.Contains(asAdmin.Evidence, e => theirConversations.Contains(e.Id));
        Assert.StartsWith("None of the", asCsm.Text, StringComparison.Ordinal);
        foreach (PluginResult result in new[] { asCsm, integration, billing, trends, explain })
        {
            Assert.All(result.Evidence, e => Assert.Contains(e.AccountId!, mineIds));
            Assert.All(result.Evidence, e => Assert.DoesNotContain(e.Id, theirConversations));
            Assert.All(result.AccountsShown, id => Assert.Contains(id, mineIds));
            string shown = Shown(result);
            Assert.All(theirConversations, id => Assert.DoesNotContain(id, shown, StringComparison.Ordinal));
            Assert.DoesNotContain("quarterly uploads", shown, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(other.Id, shown, StringComparison.Ordinal);
        }

        Assert.NotEmpty(billing.Evidence);
        Assert.All(explain.Evidence, e => Assert.Equal(risky.Id, e.AccountId));
    }

    [Fact]
    public async Task Lists_CountsAndTotals_AreThoseOfTheCsmsOwnBook()
    {
        CopilotRuntime runtime = OpenWritable();
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime);
        var mineIds = mine.Select(a => a.Id).ToHashSet();
        IReadOnlyList<Account> theirs = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [OtherCsm]));
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        // Records outside her book that a sloppy count would include: approval requests (more than a page of them, older
        // than hers so they come first), outcomes, tasks assigned to her on his account, his loose tasks, and alerts
        // addressed to her about his account.
        var requests = theirs.Take(11).Select((a, i) => new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], a.Id, "email", InterventionStatus.PendingApproval, 0.9, now.AddHours(-2).AddMinutes(-i), OtherCsm, "Hi", null, null)).ToList();
        requests.Add(new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], mine[0].Id, "email", InterventionStatus.PendingApproval, 0.9, now.AddMinutes(-1), Csm, "Hi", null, null));
        requests.Add(new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], other.Id, "email", InterventionStatus.Saved, 0.7, now.AddDays(-20), OtherCsm, "Hi", now.AddDays(-2), OtherCsm));
        requests.Add(new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], mine[1].Id, "email", InterventionStatus.Saved, 0.6, now.AddDays(-20), Csm, "Hi", now.AddDays(-3), Csm));
        await runtime.Workspace.Interventions.UpsertAsync(requests);
        await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", other.Id, "Cover for Lukas", runtime.Today.AddDays(2), Csm, TaskState.Open, now, OtherCsm, null));
        await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", null, "Lukas's own to-do", runtime.Today.AddDays(2), OtherCsm, TaskState.Open, now, OtherCsm, null));
        await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", mine[2].Id, "Call back", runtime.Today.AddDays(2), Csm, TaskState.Open, now, Csm, null));
        await runtime.Workspace.Alerts.TryRaiseAsync(new Alert("Ascope1" + Guid.NewGuid().ToString("N")[..6], "risk_jump", other.Id, Csm, 4, $"{other.Name} risk up", "scope-1-" + Guid.NewGuid(), now.AddHours(-3)), 100);
        await runtime.Workspace.Alerts.TryRaiseAsync(new Alert("Ascope2" + Guid.NewGuid().ToString("N")[..6], "risk_jump", mine[0].Id, Csm, 4, $"{mine[0].Name} risk up", "scope-2-" + Guid.NewGuid(), now.AddHours(-2)), 100);

        var scores = (await runtime.Risk.ScoreAsync(CancellationToken.None)).Where(r => mineIds.Contains(r.Account.Id)).ToList();

        // churn.at_risk: exactly her accounts above the threshold (one that her third-riskiest account reaches, whatever
        // the calibration makes of the demo).
        double threshold = Math.Floor(scores.Select(r => r.Probability).OrderDescending().ElementAt(Math.Min(2, scores.Count - 1)) * 100) / 100;
        PluginResult atRisk = await CallAsync(runtime, Csm, "churn.at_risk", new() { ["threshold"] = threshold, ["top"] = 50 });
        var expectedAtRisk = scores.Where(r => r.Probability >= threshold).Select(r => r.Account.Id).ToHashSet();
        Assert.InRange(expectedAtRisk.Count, 1, 50);
        Assert.Equal(expectedAtRisk, Ids(atRisk.Data, "account"));

        // portfolio.summary and portfolio.forecast: her accounts and their expected ARR at risk.
        JsonElement summary = Data(await CallAsync(runtime, Csm, "portfolio.summary", []));
        Assert.Equal(scores.Count, summary.GetProperty("accounts").GetInt32());
        Assert.Equal(Math.Round(scores.Sum(r => r.ArrAtRisk)), summary.GetProperty("expected_arr_at_risk").GetDouble());
        Assert.Equal(scores.Count(r => r.Probability >= 0.5), summary.GetProperty("red_accounts").GetInt32());
        PluginResult forecast = await CallAsync(runtime, Csm, "portfolio.forecast", []);
        Assert.Contains($"from {scores.Count} accounts", forecast.Text, StringComparison.Ordinal);

        // portfolio.cohorts: her accounts (churned ones included), whatever the grouping.
        var allMine = (await runtime.Workspace.Accounts.ListAsync(new CopilotBot.Workspace.Storage.AccountQuery(Status: null))).Where(a => a.OwnerId == Csm).ToList();
        PluginResult cohorts = await CallAsync(runtime, Csm, "portfolio.cohorts", new() { ["by"] = "industry" });
        JsonElement cohortData = Data(cohorts);
        Assert.Equal(allMine.Count, cohortData.GetProperty("accounts").GetInt32());
        Assert.Equal(allMine.Count, cohortData.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("accounts").GetInt32()));
        Assert.Equal(allMine.Select(a => a.Industry).Distinct().Order(), cohortData.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()!).Order());

        // portfolio.accounts: her active accounts, and her churned ones, never anyone else's.
        JsonElement activeAccounts = Data(await CallAsync(runtime, Csm, "portfolio.accounts", []));
        Assert.Equal(allMine.Count(a => a.Status == CopilotBot.Workspace.Domain.AccountStatus.Active), activeAccounts.GetProperty("accounts").GetInt32());
        PluginResult churnedAccounts = await CallAsync(runtime, Csm, "portfolio.accounts", new() { ["status"] = "churned" });
        Assert.Equal(allMine.Count(a => a.Status == CopilotBot.Workspace.Domain.AccountStatus.Churned), Data(churnedAccounts).GetProperty("accounts").GetInt32());
        Assert.Equal(
            allMine.Count(a => a.Status == CopilotBot.Workspace.Domain.AccountStatus.Active && a.Tier == CopilotBot.Workspace.Domain.Tier.Gold),
            Data(await CallAsync(runtime, Csm, "portfolio.accounts", new() { ["tier"] = "Gold" })).GetProperty("accounts").GetInt32());

        // renewals.upcoming (the worked example plugin, scoped by the filters and its query): her active accounts renewing within a year.
        JsonElement renewals = Data(await CallAsync(runtime, Csm, "renewals.upcoming", new() { ["horizon_days"] = 365 }));
        int renewing = mine.Count(a => a.Status == AccountStatus.Active && a.RenewalDate is { } r && r >= runtime.Today && r <= runtime.Today.AddDays(365));
        Assert.InRange(renewing, 1, 1000);
        Assert.Equal(renewing, renewals.GetProperty("count").GetInt32());

        // adoption.patterns: counted over her accounts (churned ones teach retention too), never the workspace's.
        JsonElement patterns = Data(await CallAsync(runtime, Csm, "adoption.patterns", new() { ["question"] = "what do accounts adopt after SSO?" }));
        Assert.InRange(patterns.GetProperty("accounts").GetInt32(), 1, allMine.Count);
        JsonElement retention = Data(await CallAsync(runtime, Csm, "adoption.patterns", new() { ["question"] = "which features predict retention?" }));
        Assert.InRange(retention.GetProperty("accounts").GetInt32(), 1, allMine.Count);
        Assert.All(retention.GetProperty("features").EnumerateArray(), f => Assert.Equal(retention.GetProperty("accounts").GetInt32(), f.GetProperty("adopters").GetInt32() + f.GetProperty("non_adopters").GetInt32()));

        // expansion.opportunities: her active accounts only.
        JsonElement expansion = Data(await CallAsync(runtime, Csm, "expansion.opportunities", new() { ["top"] = 50 }));
        var pitched = expansion.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).Concat(expansion.GetProperty("held_back").EnumerateArray().Select(a => a.GetString()!)).ToList();
        Assert.NotEmpty(pitched);
        Assert.All(pitched, id => Assert.Contains(id, mineIds));

        // support.ask and support.trends: her conversations only.
        DateTimeOffset end = new(runtime.Today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        async Task<int> Conversations(int days) => (await runtime.Workspace.Conversations.ListAsync(null, end.AddDays(-days), end)).Count(c => c.AccountId is { } a && mineIds.Contains(a));
        JsonElement ask = Data(await CallAsync(runtime, Csm, "support.ask", []));
        Assert.Equal(await Conversations(90), ask.GetProperty("count").GetInt32());
        JsonElement trends = Data(await CallAsync(runtime, Csm, "support.trends", []));
        Assert.Equal(await Conversations(84), trends.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));

        // interventions.summary and interventions.approvals: her accounts' interventions only.
        var interventions = (await runtime.Workspace.Interventions.ListAsync(null)).Where(i => mineIds.Contains(i.AccountId)).ToList();
        JsonElement outcomes = Data(await CallAsync(runtime, Csm, "interventions.summary", []));
        Assert.Equal(interventions.Count(i => i.Status == InterventionStatus.Saved), outcomes.GetProperty("saved").GetInt32());
        Assert.Equal(interventions.Count(i => i.Status == InterventionStatus.Churned), outcomes.GetProperty("churned").GetInt32());
        Assert.Equal(interventions.Count(i => i.Status is InterventionStatus.Pending or InterventionStatus.PendingApproval), outcomes.GetProperty("pending").GetInt32());
        PluginResult approvals = await CallAsync(runtime, Csm, "interventions.approvals", []);
        int waiting = interventions.Count(i => i.Status == InterventionStatus.PendingApproval && i.CreatedAt >= now.AddHours(-runtime.AgentOptions.ApprovalTtlHours));
        Assert.InRange(waiting, 1, int.MaxValue);
        Assert.Equal(Math.Min(waiting, 10), Data(approvals).GetProperty("pending").GetInt32());
        Assert.All(approvals.AccountsShown, id => Assert.Contains(id, mineIds));

        // crm.list_tasks: her open tasks on her accounts or on none.
        var tasks = (await runtime.Workspace.Tasks.ListAsync(Csm, null, TaskState.Open)).Where(t => t.AccountId is null || mineIds.Contains(t.AccountId)).Select(t => t.Id).ToHashSet();
        PluginResult listed = await CallAsync(runtime, Csm, "crm.list_tasks", []);
        HashSet<string> listedIds = Ids(listed.Data, "Id");
        Assert.Subset(tasks, listedIds);
        Assert.Equal(Math.Min(tasks.Count, 25), listedIds.Count);

        // alerts.list: hers, about her accounts.
        var alerts = (await runtime.Workspace.Alerts.ListAsync(Csm, now.AddDays(-7), null, null)).Where(a => mineIds.Contains(a.AccountId)).ToList();
        PluginResult alertList = await CallAsync(runtime, Csm, "alerts.list", []);
        Assert.Equal(alerts.Count, Data(alertList).GetArrayLength());

        Assert.All(JsonSerializer.SerializeToElement(listed.Data).EnumerateArray(), t => Assert.True(
            t.GetProperty("account").ValueKind == JsonValueKind.Null || mineIds.Contains(t.GetProperty("account").GetString()!)));
        foreach (PluginResult result in new[] { atRisk, forecast, cohorts, approvals, alertList, churnedAccounts })
        {
            string shown = Shown(result);
            Assert.DoesNotContain(other.Id, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(other.Name, shown, StringComparison.Ordinal);
            Assert.All(result.AccountsShown, id => Assert.Contains(id, mineIds));
        }
    }

    [Fact]
    public async Task AdminOnlyFunctions_RefuseACsm_AndChangeNothing()
    {
        CopilotRuntime runtime = Open();
        int interventions = (await runtime.Workspace.Interventions.ListAsync(null)).Count;

        TurnReply run = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-admin", Csm, "run the intervention agent"));
        TurnReply stop = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-admin", Csm, "/agent stop"));
        TurnReply click = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-admin", Csm, "", new JsonObject { ["verb"] = "interventions.run_agent", ["dry_run"] = "false" }));

        Assert.All(new[] { run, stop, click }, r => Assert.StartsWith("Only admins", r.Text, StringComparison.Ordinal));
        Assert.All(new[] { run, stop, click }, r => Assert.Empty(r.Cards));
        Assert.False(await runtime.InterventionAgent.IsStoppedAsync(CancellationToken.None));
        Assert.Equal(interventions, (await runtime.Workspace.Interventions.ListAsync(null)).Count);
    }

    /// <summary>
    /// Record ids that are not account ids are checked by the authorization filter itself, through the account (or, for a
    /// task without one, the assignee) they belong to — for any function that takes them, not only today's.
    /// </summary>
    [Fact]
    public async Task RecordIds_AreCheckedByTheAuthorizationFilter()
    {
        CopilotRuntime runtime = OpenWritable();
        (IReadOnlyList<Account> mine, Account other) = await BooksAsync(runtime);
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        CrmTask theirs = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", other.Id, "Theirs", runtime.Today.AddDays(3), OtherCsm, TaskState.Open, now, OtherCsm, null));
        CrmTask assignedToHer = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", other.Id, "Cover", runtime.Today.AddDays(3), Csm, TaskState.Open, now, OtherCsm, null));
        CrmTask hers = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", mine[0].Id, "Hers", runtime.Today.AddDays(3), Csm, TaskState.Open, now, Csm, null));
        CrmTask herLoose = await runtime.Workspace.Tasks.CreateAsync(new CrmTask("", null, "Hers too", runtime.Today.AddDays(3), Csm, TaskState.Open, now, Csm, null));
        var theirRequest = new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], other.Id, "email", InterventionStatus.PendingApproval, 0.9, now, OtherCsm, "Hi", null, null);
        var herRequest = new Intervention("Iscope" + Guid.NewGuid().ToString("N")[..8], mine[0].Id, "email", InterventionStatus.PendingApproval, 0.9, now, Csm, "Hi", null, null);
        await runtime.Workspace.Interventions.UpsertAsync([theirRequest, herRequest]);
        var probe = new Probe();
        AuthorizationFilter filter = runtime.Kernel.FunctionInvocationFilters.OfType<AuthorizationFilter>().Single();
        var kernel = new Kernel();
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("probe", probe));
        kernel.FunctionInvocationFilters.Add(filter);
        kernel.FunctionInvocationFilters.Add(new ArgumentFilter());

        async Task<string> Peek(string argument, string id) =>
            (await CallAsync(runtime, Csm, "probe.peek", new() { [argument] = id }, kernel)).Text;

        Assert.Equal(NoAccessToTask, await Peek("task_id", theirs.Id));
        Assert.Equal(NoAccessToTask, await Peek("TaskId", theirs.Id));
        // Assigned to her but on his account: the account decides, as in her task list.
        Assert.Equal(NoAccessToTask, await Peek("task_id", assignedToHer.Id));
        Assert.Equal("seen", await Peek("task_id", hers.Id));
        Assert.Equal("seen", await Peek("task_id", herLoose.Id));
        Assert.NotEqual("seen", await Peek("intervention", theirRequest.Id));
        Assert.Equal("seen", await Peek("intervention", herRequest.Id));
        Assert.Equal(AuthorizationFilter.NoAccess, await Peek("ACCOUNT", other.Id));
        Assert.Equal(3, probe.Calls);
        // Through the real function: the task stays open.
        TurnReply done = await runtime.Agent.HandleAsync(new TurnRequest("test", "scope-task", Csm, $"mark {theirs.Id} done"));
        Assert.Equal(NoAccessToTask, done.Text);
        Assert.Equal(TaskState.Open, (await runtime.Workspace.Tasks.GetAsync(theirs.Id))!.Status);
    }

    public sealed class Probe
    {
        public int Calls { get; private set; }

        [KernelFunction("peek")]
        public PluginResult Peek([FromKernelServices] CallerContext caller, string? account = null, string? intervention = null, string? taskId = null)
        {
            Calls++;
            return new PluginResult("seen");
        }
    }

    /// <summary>Names sharing no word with any account name in the demo workspace, one per CSM whose account may get one.</summary>
    private static string DistinctName(string owner) => owner == OtherCsm ? "Zanzibar Quillwort" : "Xylophant Marrowdeep";

    /// <summary>
    /// Her book (active and churned), and his account whose name shares no word with any of hers, so a partial match
    /// cannot stand in for a leak. The demo's names are drawn at random and need not include one (in the current demo
    /// every name in his book shares a word such as "Group" or "Harbor" with one of hers), so when there is none the test
    /// makes it: his first active account, renamed in the writable copy before the runtime has read any names.
    /// </summary>
    private static async Task<(IReadOnlyList<Account> Mine, Account Other)> BooksAsync(CopilotRuntime runtime, string csm = Csm, string otherCsm = OtherCsm)
    {
        IReadOnlyList<Account> mine = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [csm], Status: null));
        var mineWords = mine.SelectMany(a => Words().Matches(a.Name).Select(m => m.Value.ToLowerInvariant())).ToHashSet();
        IReadOnlyList<Account> his = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [otherCsm]));
        Account? other = his.FirstOrDefault(a => Words().Matches(a.Name).All(m => !mineWords.Contains(m.Value.ToLowerInvariant())));
        if (other is null)
        {
            string name = DistinctName(otherCsm);
            Assert.All(Words().Matches(name), m => Assert.DoesNotContain(m.Value.ToLowerInvariant(), mineWords));
            Assert.DoesNotContain(await runtime.Workspace.Accounts.ListAsync(new(Status: null)), a => a.Name == name);
            other = his.OrderBy(a => a.Id, StringComparer.Ordinal).First() with { Name = name };
            await runtime.Workspace.Accounts.UpsertAsync([other]);
        }

        return (mine, other);
    }

    private static async Task<PluginResult> CallAsync(CopilotRuntime runtime, string userId, string function, Dictionary<string, object?> arguments, Kernel? kernel = null)
    {
        kernel ??= runtime.Kernel;
        User user = (await runtime.Workspace.Users.GetAsync(userId))!;
        var policy = new AccessPolicy(runtime.Workspace.Users, runtime.Workspace.Accounts);
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        var caller = new CallerContext(user, "test", "scope-call-" + Guid.NewGuid().ToString("N")[..8], DateOnly.FromDateTime(now.UtcDateTime), now, await policy.ScopeAsync(user, CancellationToken.None));
        return await kernel.InvokeForAsync(kernel.Find(function)!, arguments, caller, InvocationSource.Confirmed, CancellationToken.None);
    }

    /// <summary>The store's view of everything a call could change about the other CSM's records.</summary>
    private static async Task<string> StateAsync(CopilotRuntime runtime, Account other, string looseTask) => JsonSerializer.Serialize(new
    {
        tasks = await runtime.Workspace.Tasks.ListAsync(null, other.Id, null),
        loose = await runtime.Workspace.Tasks.GetAsync(looseTask),
        interventions = await runtime.Workspace.Interventions.ListAsync(other.Id),
        dismissals = await runtime.Workspace.Alerts.ListDismissalsAsync(Csm),
    });

    private static List<string> Rows(TurnReply reply) =>
        reply.Cards.SelectMany(c => c.Body).OfType<CardTable>().First().Rows.Select(r => r[1].Split('(', ')')[^2]).ToList();

    private static HashSet<string> Ids(object? data, string property) =>
        JsonSerializer.SerializeToElement(data).EnumerateArray().Select(e => e.GetProperty(property).GetString()!).ToHashSet();

    private static JsonElement Data(PluginResult result) => JsonSerializer.SerializeToElement(result.Data);

    /// <summary>Everything a person (or a model) is shown: the text, every card string, the evidence, and the data.</summary>
    private static string Shown(PluginResult result) =>
        string.Join('\n', [result.Text, Cards(result.Cards), .. result.Evidence.Select(e => $"{e.Id} {e.AccountId} {e.Snippet}"), JsonSerializer.Serialize(result.Data)]);

    private static string Shown(TurnReply reply, bool withArguments) =>
        string.Join('\n', [reply.Text, Cards(reply.Cards), .. reply.Evidence.Select(e => $"{e.Id} {e.AccountId} {e.Snippet}"),
            .. withArguments ? reply.Arguments.Select(a => $"{a.Key}={a.Value}") : []]);

    private static string Cards(IEnumerable<Card> cards) => string.Join('\n', cards.SelectMany(c =>
        new[] { c.Title, c.FallbackText ?? string.Empty }
            .Concat(c.Body.SelectMany(b => b switch
            {
                CardText t => [t.Text],
                CardFacts f => f.Facts.SelectMany(x => new[] { x.Title, x.Value }),
                CardTable t => t.Columns.Concat(t.Rows.SelectMany(r => r)),
                _ => [b.ToString() ?? string.Empty],
            }))
            .Concat(c.Actions.SelectMany(a => a.Data.Values.Prepend(a.Title)))));

    private static string Money(decimal amount) => amount >= 10_000
        ? "$" + (amount / 1_000).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "k"
        : "$" + amount.ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Normal(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    [GeneratedRegex(@"\p{L}[\p{L}']+")]
    private static partial Regex Words();

    [GeneratedRegex(@"\b(T\d+|I[0-9a-f]{10}|Iscope[0-9a-f]{8})\b")]
    private static partial Regex GeneratedIds();
}
