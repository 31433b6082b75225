using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Filters;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Crm;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Routing;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Tests;

/// <summary>
/// Edit on a draft, through the real agent, kernel, filters and a demo workspace of its own: clicks are the values a
/// channel hands the agent (the button's data with the typed fields merged in, as a Teams or Web Chat Action.Submit sends).
/// </summary>
public sealed class DraftEditTests(DraftEditTests.World world) : IClassFixture<DraftEditTests.World>
{
    private const string Approver = "dana.whitfield";

    /// <summary>One seeded workspace (with a trained model) and the agent over it, shared by the tests here.</summary>
    public sealed class World : IDisposable
    {
        public World()
        {
            Directory = Path.Combine(Path.GetTempPath(), "copilot-edit-" + Guid.NewGuid().ToString("N")[..10]);
            Workspace = CopilotWorkspace.Open(Directory);
            DemoSeeder.Seed(Workspace, DemoSeeder.DefaultSeed, DemoWorkspaceFixture.Today);
            var clock = new FixedClock(new DateTimeOffset(DemoWorkspaceFixture.Today.ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero));
            var risk = new ChurnRiskService(new AccountHistoryLoader(Workspace.Accounts, Workspace.Activity, Workspace.Conversations), new ChurnModelStore(Workspace.Models, Directory), clock);
            risk.EnsureModelAsync(null, CancellationToken.None).GetAwaiter().GetResult();
            var drafts = new DraftWriter(PromptLibrary.Default(), Workspace.Activity, Workspace.Conversations, Workspace.Users);
            var crm = new EmbeddedCrmClient(Workspace.Tasks);
            var options = new AgentOptions();
            var agent = new InterventionAgent(risk, drafts, Workspace.Interventions, crm, Workspace.Audit, Workspace.Meta, options);
            var policy = new AccessPolicy(Workspace.Users, Workspace.Accounts, Workspace.Interventions, crm.GetTaskAsync);
            var kernel = new Kernel();
            kernel.Plugins.Add(CopilotKernel.CreatePlugin("interventions", new InterventionsPlugin(drafts, agent, risk, Workspace.Accounts, Workspace.Interventions, crm, Workspace.Audit, Workspace.Users, options)));
            foreach (IFunctionInvocationFilter filter in new IFunctionInvocationFilter[]
                { new TimingFilter(), new AuditFilter(Workspace.Audit), new AuthorizationFilter(policy), new ConfirmationFilter(), new ArgumentFilter() })
            {
                kernel.FunctionInvocationFilters.Add(filter);
            }

            Agent = new CopilotAgent(Workspace, kernel, IntentRouter.CreateDefault(), new WorkspaceAccountDirectory(Workspace.Accounts), policy, clock);
        }

        public string Directory { get; }

        public CopilotWorkspace Workspace { get; }

        public CopilotAgent Agent { get; }

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private Task<TurnReply> ClickAsync(string user, string verb, IReadOnlyDictionary<string, string> data, params (string Key, string Value)[] typed)
    {
        var value = new JsonObject { ["verb"] = verb };
        foreach ((string key, string v) in data)
        {
            value[key] = v;
        }

        foreach ((string key, string v) in typed)
        {
            value[key] = v;
        }

        return world.Agent.HandleAsync(new TurnRequest("test", "edit-" + Guid.NewGuid().ToString("N")[..8], user, string.Empty, value));
    }

    /// <summary>An active account of <paramref name="tier"/> (or of any tier but Platinum) whose owner is a CSM, and that CSM; each test its own.</summary>
    private async Task<(Account Account, string Csm)> AccountAsync(bool platinum, int skip)
    {
        var csms = (await world.Workspace.Users.ListAsync()).Where(u => u.Role == UserRole.Csm).Select(u => u.Id).ToHashSet();
        Account a = (await world.Workspace.Accounts.ListAsync(new AccountQuery()))
            .Where(x => x.Status == AccountStatus.Active && (x.Tier == Tier.Platinum) == platinum && x.OwnerId is { } o && csms.Contains(o))
            .OrderBy(x => x.Id, StringComparer.Ordinal).Skip(skip).First();
        return (a, a.OwnerId!);
    }

    private async Task<(Card Draft, Card Form)> OpenFormAsync(string csm, Account a)
    {
        TurnReply drafted = await ClickAsync(csm, "interventions.draft", new Dictionary<string, string> { ["account"] = a.Id });
        Card draft = Assert.Single(drafted.Cards);
        CardAction edit = Assert.Single(draft.Actions, x => x.Title == "Edit");
        TurnReply opened = await ClickAsync(csm, edit.Verb, edit.Data);
        return (draft, Assert.Single(opened.Cards));
    }

    private static CardInput Input(Card card, string id) => Assert.Single(card.Body.OfType<CardInput>(), i => i.Id == id);

    private async Task<List<AuditEntry>> AuditAsync(string action, string accountId) =>
        (await world.Workspace.Audit.ReadAsync()).Where(e => e.Action == action && e.Target == accountId).ToList();

    [Fact]
    public async Task Edit_OnADraft_OpensAFormPrefilledWithTheDraft_WithSendAndCancel()
    {
        (Account a, string csm) = await AccountAsync(platinum: false, skip: 0);

        (Card draft, Card form) = await OpenFormAsync(csm, a);

        string shown = Assert.IsType<CardText>(draft.Body[0]).Text;
        Assert.Equal(InterventionsPlugin.EditDraftVerb, draft.Actions.Single(x => x.Title == "Edit").Verb);
        Assert.True(form.IsForm);
        Assert.Equal($"Edit draft email to {a.Name}", form.Title);
        CardInput subject = Input(form, DraftEdits.SubjectId);
        CardInput body = Input(form, DraftEdits.BodyId);
        Assert.True(DraftEdits.Same("Subject: " + subject.Value + "\n\n" + body.Value, shown));
        Assert.Contains(a.Name, subject.Value, StringComparison.Ordinal);
        Assert.True(body.Multiline);
        Assert.True(body.Required && subject.Required);
        Assert.Equal(DraftEdits.MaxBodyLength, body.MaxLength);
        CardAction send = form.Actions[0];
        Assert.Equal(("Send", "interventions.send_draft", true), (send.Title, send.Verb, send.SendsInputs));
        // The form sends under the draft card's id: Send on either, once.
        Assert.Equal(draft.Actions[0].Data["draft"], send.Data["draft"]);
        CardAction cancel = form.Actions[1];
        Assert.Equal(("Cancel", "cancel", false), (cancel.Title, cancel.Verb, cancel.SendsInputs));
    }

    [Fact]
    public async Task Send_FromTheForm_SendsTheEditedText_StoresIt_AuditsTheChange_AndASecondSendIsRefused()
    {
        (Account a, string csm) = await AccountAsync(platinum: false, skip: 1);
        (Card draft, Card form) = await OpenFormAsync(csm, a);
        CardAction send = form.Actions[0];
        string original = Input(form, DraftEdits.BodyId).Value;
        // Customer words may carry markup: it is stored and audited as typed, never interpreted.
        string body = "Hi team,\r\n\r\nThanks for the <b>candid</b> feedback — see [our plan](http://evil.example) *today*.\r\n\r\n" + original;

        TurnReply sent = await ClickAsync(csm, send.Verb, send.Data, ("subject", "  Your renewal, together  "), ("body", body));

        Assert.False(sent.Text.StartsWith("I couldn't", StringComparison.Ordinal), sent.Text);
        Assert.Contains("edited email", sent.Text, StringComparison.Ordinal);
        Assert.True(sent.UpdatesCard);
        string id = send.Data["draft"];
        Intervention stored = (await world.Workspace.Interventions.GetAsync(id))!;
        string expected = "Subject: Your renewal, together\n\n" + body.ReplaceLineEndings("\n");
        Assert.Equal(expected, stored.Draft);
        Assert.Equal((InterventionStatus.Pending, csm), (stored.Status, stored.CreatedBy));
        AuditEntry edited = Assert.Single(await AuditAsync("intervention.edited", a.Id));
        Assert.Equal(csm, edited.Actor);
        JsonElement details = JsonDocument.Parse(edited.Details!).RootElement;
        Assert.Equal(id, details.GetProperty("intervention").GetString());
        Assert.Equal(expected, details.GetProperty("text").GetString());
        Assert.Equal(expected.Length, details.GetProperty("after_chars").GetInt32());
        Assert.Equal(DraftEdits.Hash(expected), details.GetProperty("after_sha256").GetString());
        Assert.Equal(DraftEdits.Hash(Assert.IsType<CardText>(draft.Body[0]).Text), details.GetProperty("before_sha256").GetString());
        Assert.Equal((1, 5), (details.GetProperty("lines_removed").GetInt32(), details.GetProperty("lines_added").GetInt32()));
        Assert.Single(await AuditAsync("intervention.sent", a.Id), e => e.Details!.Contains(id, StringComparison.Ordinal));

        // The draft card's own Send (same id) afterwards: a clear no, and the edited text stays as it went.
        TurnReply again = await ClickAsync(csm, draft.Actions[0].Verb, draft.Actions[0].Data);
        Assert.Contains("already sent", again.Text, StringComparison.Ordinal);
        Assert.Contains(id, again.Text, StringComparison.Ordinal);
        Assert.Equal(expected, (await world.Workspace.Interventions.GetAsync(id))!.Draft);
        Assert.Single(await world.Workspace.Interventions.ListAsync(a.Id), i => i.CreatedAt == stored.CreatedAt);
    }

    [Fact]
    public async Task Send_WithoutChanges_StoresTheDraftAsWritten_AndRecordsNoEdit()
    {
        (Account a, string csm) = await AccountAsync(platinum: false, skip: 2);
        (Card draft, Card form) = await OpenFormAsync(csm, a);

        TurnReply sent = await ClickAsync(csm, form.Actions[0].Verb, form.Actions[0].Data,
            ("subject", Input(form, DraftEdits.SubjectId).Value), ("body", Input(form, DraftEdits.BodyId).Value));

        Assert.StartsWith("Queued the email", sent.Text, StringComparison.Ordinal);
        Assert.Equal(Assert.IsType<CardText>(draft.Body[0]).Text, (await world.Workspace.Interventions.GetAsync(form.Actions[0].Data["draft"]))!.Draft);
        Assert.Empty(await AuditAsync("intervention.edited", a.Id));
    }

    [Theory]
    [InlineData("Renewal", "   \n  ", "is empty")]
    [InlineData("Renewal", "x", null)]
    [InlineData("", "Hello there", "needs a subject")]
    [InlineData("Renewal", "TOO_LONG", "3,001 characters; the most I can send is 3,000")]
    [InlineData("TOO_LONG_SUBJECT", "Hello there", "The subject is 201 characters")]
    public async Task Send_WithInvalidFields_IsRefusedInWords_AndNothingIsStored(string subject, string body, string? expected)
    {
        (Account a, string csm) = await AccountAsync(platinum: false, skip: 3);
        (_, Card form) = await OpenFormAsync(csm, a);
        body = body == "TOO_LONG" ? new string('a', 3001) : body;
        subject = subject == "TOO_LONG_SUBJECT" ? new string('s', 201) : subject;

        TurnReply reply = await ClickAsync(csm, form.Actions[0].Verb, form.Actions[0].Data, ("subject", subject), ("body", body));

        Intervention? stored = await world.Workspace.Interventions.GetAsync(form.Actions[0].Data["draft"]);
        if (expected is null)
        {
            // The control case: a one-letter message is a message.
            Assert.Equal("x", DraftEdits.Split("email", stored!.Draft!).Body);
            return;
        }

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Contains("othing was sent", reply.Text, StringComparison.Ordinal);
        Assert.Empty(reply.Cards);
        Assert.Null(stored);
    }

    [Fact]
    public async Task ApprovalEdit_IsForApprovers_ReplacesThePendingDraft_ReShowsTheCard_Audited_AndIsClosedOnceDecided()
    {
        (Account a, string csm) = await AccountAsync(platinum: true, skip: 0);
        TurnReply drafted = await ClickAsync(csm, "interventions.draft", new Dictionary<string, string> { ["account"] = a.Id });
        CardAction send = drafted.Cards[0].Actions[0];
        TurnReply requested = await ClickAsync(csm, send.Verb, send.Data);
        Card approval = Assert.Single(requested.Cards);
        string id = send.Data["draft"];
        string before = (await world.Workspace.Interventions.GetAsync(id))!.Draft!;

        // The CSM who asked sees no Edit (nor Approve / Reject), and cannot call the approver's functions by hand.
        Assert.DoesNotContain(approval.Actions, x => x.Verb is "edit" or "approve" or "reject");
        TurnReply byCsm = await ClickAsync(csm, InterventionsPlugin.ReviseVerb, new Dictionary<string, string> { ["intervention"] = id }, ("subject", "Mine"), ("body", "Mine"));
        Assert.StartsWith("Only approvers", byCsm.Text, StringComparison.Ordinal);

        TurnReply listed = await ClickAsync(Approver, "interventions.approvals", new Dictionary<string, string>());
        Card forApprover = Assert.Single(listed.Cards, c => c.Actions.Any(x => x.Data.GetValueOrDefault("intervention") == id));
        CardAction edit = Assert.Single(forApprover.Actions, x => x.Title == "Edit");
        TurnReply opened = await ClickAsync(Approver, edit.Verb, edit.Data);
        Card form = Assert.Single(opened.Cards);
        Assert.True(DraftEdits.Same(before, "Subject: " + Input(form, DraftEdits.SubjectId).Value + "\n\n" + Input(form, DraftEdits.BodyId).Value));
        CardAction save = form.Actions[0];
        Assert.Equal(InterventionsPlugin.ReviseVerb, save.Verb);

        TurnReply saved = await ClickAsync(Approver, save.Verb, save.Data, ("subject", "A note from us"), ("body", "Hello,\n\nWe'd love to talk.\n\nDana"));

        Assert.Contains("Saved your edit", saved.Text, StringComparison.Ordinal);
        Assert.True(saved.UpdatesCard);
        Card reshown = Assert.Single(saved.Cards);
        Assert.StartsWith("Approval needed", reshown.Title, StringComparison.Ordinal);
        Assert.Contains(reshown.Body.OfType<CardText>(), t => t.Text == "Subject: A note from us\n\nHello,\n\nWe'd love to talk.\n\nDana");
        Assert.Contains(reshown.Actions, x => x.Verb == "approve");
        Intervention revised = (await world.Workspace.Interventions.GetAsync(id))!;
        Assert.Equal((InterventionStatus.PendingApproval, "Subject: A note from us\n\nHello,\n\nWe'd love to talk.\n\nDana"), (revised.Status, revised.Draft));
        AuditEntry audited = Assert.Single(await AuditAsync("approval.edited", a.Id));
        Assert.Equal(Approver, audited.Actor);
        JsonElement details = JsonDocument.Parse(audited.Details!).RootElement;
        Assert.Equal((DraftEdits.Hash(before), revised.Draft), (details.GetProperty("before_sha256").GetString(), details.GetProperty("text").GetString()));

        // Approved, then the stale form's Save: refused in words with the decided card, and the approved text stays.
        TurnReply approved = await ClickAsync(Approver, "approve", new Dictionary<string, string> { ["intervention"] = id, ["account"] = a.Id });
        Assert.Contains("Approved", approved.Cards[0].Title, StringComparison.Ordinal);
        TurnReply stale = await ClickAsync(Approver, save.Verb, save.Data, ("subject", "Late"), ("body", "Too late"));
        Assert.StartsWith("Already approved by Dana Whitfield", stale.Text, StringComparison.Ordinal);
        Assert.StartsWith("✅ Approved", Assert.Single(stale.Cards).Title, StringComparison.Ordinal);
        Assert.Equal(revised.Draft, (await world.Workspace.Interventions.GetAsync(id))!.Draft);
        TurnReply staleEdit = await ClickAsync(Approver, edit.Verb, edit.Data);
        Assert.StartsWith("Already approved", staleEdit.Text, StringComparison.Ordinal);
        Assert.False(staleEdit.Cards.Single().IsForm);
        Assert.Single(await AuditAsync("approval.edited", a.Id));
    }

    [Fact]
    public void LineChanges_CountsLinesTakenOutAndPutIn()
    {
        Assert.Equal((0, 0), DraftEdits.LineChanges("a\nb", "a\r\nb"));
        Assert.Equal((1, 2), DraftEdits.LineChanges("a\nb\nc", "a\nB\nc\nd"));
        Assert.Equal(("Hi", "Body\n\nmore"), DraftEdits.Split("email", "Subject: Hi\r\n\r\nBody\r\n\r\nmore"));
        Assert.Equal((null, "Call them"), DraftEdits.Split("call", "Call them\n"));
    }
}
