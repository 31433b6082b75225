using System.ComponentModel;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Crm;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Interventions;

[Description("Retention drafts, the intervention agent, and intervention outcomes.")]
public sealed class InterventionsPlugin(
    DraftWriter drafts,
    InterventionAgent agent,
    IChurnRiskProvider risk,
    IAccountStore accounts,
    IInterventionStore interventions,
    ICrmClient crm,
    IAuditLog audit,
    IUserStore users,
    AgentOptions options,
    IApprovalNotifier? notifier = null)
{
    private readonly IApprovalNotifier _notifier = notifier ?? QueueOnlyApprovalNotifier.Instance;

    /// <summary>Assumed cost of one intervention for the ROI estimate (two CSM hours at $75/h).</summary>
    public const double CostPerIntervention = 150;

    [KernelFunction("draft")]
    [Description("Draft a retention email (or call script) for an account from its risk drivers, recent support issues and usage. Nothing is sent.")]
    public async Task<PluginResult> DraftAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        [Description("email | call")] string? channel = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return PluginResult.Refuse("Which account should I write to? Give its name or id.");
        }

        Account? a = await accounts.GetAsync(account, cancellationToken);
        if (a is null)
        {
            return PluginResult.Refuse($"I can't find an account with id {account}.");
        }

        string kind = string.Equals(channel, "call", StringComparison.OrdinalIgnoreCase) ? "call" : "email";
        AccountRisk? r = await risk.ExplainAsync(a.Id, cancellationToken);
        Draft draft = await drafts.WriteAsync(a, r, kind, caller.Today, cancellationToken);
        // The draft's id is the intervention's once sent: Send here or on its edit form, the second press finds it taken.
        var data = new Dictionary<string, string> { ["account"] = a.Id, ["channel"] = kind, ["draft"] = NewId() };
        var card = new Card(
            kind == "call" ? $"Call script: {a.Name}" : $"Draft email to {a.Name}",
            [
                new CardText(draft.Body),
                new CardText("Based on: " + (draft.Facts.Count == 0 ? "account profile only" : string.Join("; ", draft.Facts)), Subtle: true),
            ],
            [
                new CardAction(kind == "call" ? "Log call planned" : "Send", "interventions.send_draft", data, "positive"),
                new CardAction("Edit", EditDraftVerb, data),
                new CardAction("Discard", "cancel", new Dictionary<string, string>(), "destructive"),
            ])
        { FallbackText = $"Draft {kind} for {a.Name}" };
        return new PluginResult($"Here's a draft {(kind == "call" ? "call script" : "email")} for {a.Name} ({a.Id}). Nothing is sent until you click {(kind == "call" ? "Log call planned" : "Send")}.")
        {
            Cards = [card],
            AccountsShown = [a.Id],
            Data = new { account = a.Id, channel = kind, subject = draft.Subject, body = draft.Body, facts = draft.Facts },
        };
    }

    /// <summary>The verb of Edit on a draft card: opens the draft as a form.</summary>
    public const string EditDraftVerb = "interventions.edit_draft";

    /// <summary>The verb of the approver's form's Save button.</summary>
    public const string ReviseVerb = "interventions.revise";

    [KernelFunction("edit_draft")]
    [FunctionPolicy(ButtonOnly = true)]
    [Description("Open a draft as a form to edit (button only): subject and message prefilled, then Send or Cancel.")]
    public async Task<PluginResult> EditDraftAsync(
        [FromKernelServices] CallerContext caller,
        string? account = null,
        string? channel = null,
        string? draft = null,
        CancellationToken cancellationToken = default)
    {
        (Account? a, PluginResult? stop) = await DraftButtonAsync(account, draft, cancellationToken);
        if (a is null)
        {
            return stop!;
        }

        string kind = channel == "call" ? "call" : "email";
        Draft written = await drafts.WriteAsync(a, await risk.ExplainAsync(a.Id, cancellationToken), kind, caller.Today, cancellationToken);
        (string? subject, string body) = DraftEdits.Split(kind, written.Body);
        var data = new Dictionary<string, string> { ["account"] = a.Id, ["channel"] = kind, ["draft"] = draft ?? NewId() };
        string action = kind == "call" ? "Log call planned" : "Send";
        Card form = DraftEdits.Form(
            kind == "call" ? $"Edit call script: {a.Name}" : $"Edit draft email to {a.Name}",
            kind,
            kind == "call" ? null : subject is { Length: > 0 } ? subject : written.Subject,
            body,
            $"Change the text, then press {action}. Nothing is sent until you do." + (a.Tier == Tier.Platinum ? " Platinum accounts: an approver sees your text before it goes out." : string.Empty),
            new CardAction(action, "interventions.send_draft", data, "positive"));
        return new PluginResult($"Edit the draft {(kind == "call" ? "call script" : "email")} for {a.Name}, then press {action}.")
        {
            Cards = [form],
            AccountsShown = [a.Id],
            Data = new { account = a.Id, channel = kind, form = true },
        };
    }

    [KernelFunction("send_draft")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true)]
    [Description("Send a reviewed draft (button only): records the intervention as pending and creates a follow-up task. From the edit form, the edited subject and body are sent.")]
    public async Task<PluginResult> SendDraftAsync(
        [FromKernelServices] CallerContext caller,
        string? account = null,
        string? channel = null,
        string? draft = null,
        string? subject = null,
        string? body = null,
        CancellationToken cancellationToken = default)
    {
        (Account? a, PluginResult? stop) = await DraftButtonAsync(account, draft, cancellationToken);
        if (a is null)
        {
            return stop!;
        }

        string kind = channel == "call" ? "call" : "email";
        string? edited = null;
        if (body is not null)
        {
            // From the edit form: what was typed is what goes out, once it passes the checks (a refusal keeps the form as typed).
            (string? cleanSubject, string cleanBody, string? error) = DraftEdits.Check(kind, subject, body);
            if (error is not null)
            {
                return PluginResult.Refuse(error);
            }

            edited = DraftEdits.Join(kind, cleanSubject, cleanBody);
        }

        AccountRisk? r = await risk.ExplainAsync(a.Id, cancellationToken);
        Draft written = await drafts.WriteAsync(a, r, kind, caller.Today, cancellationToken);
        // Sent as it was written (nothing changed in the form), it is stored exactly as written.
        string text = edited is not null && !DraftEdits.Same(edited, written.Body) ? edited : written.Body;
        string id = draft ?? NewId();
        if (a.Tier == Tier.Platinum)
        {
            // Outreach to a Platinum account always goes through an approver, whoever asks.
            var request = new Intervention(
                id, a.Id, kind, InterventionStatus.PendingApproval, r?.Probability, caller.Now, caller.User.Id, text, null, null);
            await interventions.UpsertAsync([request], cancellationToken);
            await AuditEditAsync(caller, a, request.Id, kind, written.Body, text, cancellationToken);
            await audit.AppendAsync(caller.User.Id, "approval.requested", a.Id, $"{{\"intervention\":\"{request.Id}\",\"channel\":\"{kind}\"}}", caller.Now, cancellationToken);
            CopilotTelemetry.CountIntervention("created", "user");
            CopilotTelemetry.CountApproval("requested");
            Card approval = ApprovalCards.Request(request, a, r, await NameOfAsync(a.OwnerId, cancellationToken), caller.User.Name);
            int notified = await NotifyApproversAsync(request, approval, caller.User.Id, cancellationToken);
            return new PluginResult($"{a.Name} is a Platinum account, so the {kind} needs an approver's OK: request {request.Id} is waiting{(notified > 0 ? $" and {notified} approver{(notified == 1 ? " was" : "s were")} notified" : " in the approval queue")}. Nothing is sent until someone approves.")
            {
                Cards = [approval],
                UpdatesCard = true,
                AccountsShown = [a.Id],
                Data = new { intervention = request.Id, status = "pending_approval", approvers_notified = notified },
            };
        }

        var intervention = new Intervention(
            id, a.Id, kind, InterventionStatus.Pending, r?.Probability, caller.Now, caller.User.Id, text, null, null);
        await interventions.UpsertAsync([intervention], cancellationToken);
        await AuditEditAsync(caller, a, intervention.Id, kind, written.Body, text, cancellationToken);
        CrmTask task = await crm.CreateTaskAsync(a.Id, $"Follow up on retention {kind} to {a.Name}", caller.Today.AddDays(7), caller.User.Id, caller.User.Id, caller.Now, cancellationToken);
        await audit.AppendAsync(caller.User.Id, "intervention.sent", a.Id, $"{{\"intervention\":\"{intervention.Id}\",\"task\":\"{task.Id}\",\"channel\":\"{kind}\"}}", caller.Now, cancellationToken);
        CopilotTelemetry.CountIntervention("created", "user");
        CopilotTelemetry.CountIntervention("sent", "user");
        var sent = new Card(
            $"{(kind == "call" ? "📞 Call planned" : "📤 Sent")}: {a.Name}",
            [
                new CardFacts([("Intervention", $"{intervention.Id} (pending)"), ("Follow-up task", $"{task.Id} due {Format.Date(caller.Today.AddDays(7))}"), ("By", caller.User.Name)]),
                new CardText("Simulated send: the embedded CRM records it; no email leaves this workspace.", Subtle: true),
            ],
            [])
        { FallbackText = $"Sent {kind} to {a.Name}" };
        bool changed = text != written.Body;
        return new PluginResult($"Queued the {(changed ? "edited " : string.Empty)}{kind} to {a.Name} (simulated send; intervention {intervention.Id}, pending) and created follow-up task {task.Id} due {Format.Date(caller.Today.AddDays(7))}.")
        {
            Cards = [sent],
            UpdatesCard = true,
            AccountsShown = [a.Id],
            Data = new { intervention = intervention.Id, task = task.Id, edited = changed },
        };
    }

    /// <summary>
    /// An approver's form for a pending approval request (Edit on the approval card, approvers only): its stored draft,
    /// prefilled, with Save (the request shows again with the new text) and Cancel.
    /// </summary>
    [KernelFunction("edit_approval")]
    [FunctionPolicy(ButtonOnly = true, MinimumRole = UserRole.Approver)]
    [Description("Open a pending approval request's draft as a form to edit before deciding (approvers, button only).")]
    public async Task<PluginResult> EditApprovalAsync([FromKernelServices] CallerContext caller, string? intervention = null, CancellationToken cancellationToken = default)
    {
        (Intervention? request, Account? a, PluginResult? stale) = await PendingAsync(caller, intervention, cancellationToken);
        if (stale is not null)
        {
            return stale;
        }

        (string? subject, string body) = DraftEdits.Split(request!.Kind, request.Draft ?? string.Empty);
        Card form = DraftEdits.Form(
            $"Edit before approving: {a!.Name}",
            request.Kind,
            subject,
            body,
            $"Request {request.Id} from {request.CreatedBy}. Save puts your text in place of theirs (recorded in the audit log); then approve or reject it as usual.",
            new CardAction("Save changes", ReviseVerb, new Dictionary<string, string> { ["intervention"] = request.Id, ["account"] = a.Id }, "positive"));
        return new PluginResult($"Edit the {request.Kind} for {a.Name}, then press Save changes. Nothing is approved until you press Approve.")
        {
            Cards = [form],
            AccountsShown = [a.Id],
            Data = new { intervention = request.Id, form = true },
        };
    }

    /// <summary>
    /// Saves an approver's edit of a pending request: the new text replaces the pending draft (compare-and-set, so a request
    /// decided meanwhile keeps the text it was decided on), the audit log records what changed, and the approval card shows
    /// again with the new text.
    /// </summary>
    [KernelFunction("revise")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true, MinimumRole = UserRole.Approver)]
    [Description("Save an approver's edit of a pending approval request's draft (approvers, button only).")]
    public async Task<PluginResult> ReviseAsync(
        [FromKernelServices] CallerContext caller,
        string? intervention = null,
        string? subject = null,
        string? body = null,
        CancellationToken cancellationToken = default)
    {
        (Intervention? request, Account? a, PluginResult? stale) = await PendingAsync(caller, intervention, cancellationToken);
        if (stale is not null)
        {
            return stale;
        }

        (string? cleanSubject, string cleanBody, string? error) = DraftEdits.Check(request!.Kind, subject, body ?? string.Empty);
        if (error is not null)
        {
            return PluginResult.Refuse(error.Replace("nothing was sent", "nothing was saved", StringComparison.Ordinal).Replace("Nothing was sent", "Nothing was saved", StringComparison.Ordinal));
        }

        string before = request.Draft ?? string.Empty;
        string after = DraftEdits.Join(request.Kind, cleanSubject, cleanBody);
        if (DraftEdits.Same(before, after))
        {
            return new PluginResult($"No changes to the {request.Kind} for {a!.Name}; it is waiting for a decision as it was.")
            {
                Cards = [ApprovalCards.Request(request, a, await risk.ExplainAsync(a.Id, cancellationToken))],
                UpdatesCard = true,
                AccountsShown = [a.Id],
                Data = new { intervention = request.Id, status = "pending_approval", edited = false },
            };
        }

        ApprovalDecision saved = await interventions.ReviseDraftAsync(request.Id, after, caller.Now.AddHours(-options.ApprovalTtlHours), cancellationToken);
        if (saved != ApprovalDecision.Applied)
        {
            (_, _, stale) = await PendingAsync(caller, request.Id, cancellationToken);
            return stale ?? PluginResult.Refuse("That approval request changed while you were editing; nothing was saved. Open it again from the approval queue.");
        }

        await audit.AppendAsync(caller.User.Id, "approval.edited", a!.Id, DraftEdits.AuditDetails(request.Id, request.Kind, before, after), caller.Now, cancellationToken);
        Intervention current = (await interventions.GetAsync(request.Id, cancellationToken))!;
        return new PluginResult($"Saved your edit of the {request.Kind} for {a.Name} (request {request.Id}); it is still waiting for a decision.")
        {
            Cards = [ApprovalCards.Request(current, a, await risk.ExplainAsync(a.Id, cancellationToken))],
            UpdatesCard = true,
            AccountsShown = [a.Id],
            Data = new { intervention = request.Id, status = "pending_approval", edited = true },
        };
    }

    /// <summary>A pending, unexpired approval request and its account, or the reply for one that is gone, decided or expired.</summary>
    private async Task<(Intervention? Request, Account? Account, PluginResult? Stale)> PendingAsync(CallerContext caller, string? id, CancellationToken cancellationToken)
    {
        Intervention? request = id is null ? null : await interventions.GetAsync(id, cancellationToken);
        Account? a = request is null ? null : await accounts.GetAsync(request.AccountId, cancellationToken);
        if (request is null || a is null)
        {
            return (null, null, PluginResult.Refuse("That approval request no longer exists."));
        }

        if (request.Status != InterventionStatus.PendingApproval)
        {
            string decider = request.DecidedBy is { } by ? (await users.GetAsync(by, cancellationToken))?.Name ?? by : "someone";
            return (request, a, new PluginResult($"Already {(request.Status == InterventionStatus.Rejected ? "rejected" : "approved")} by {decider}, so it can't be edited any more; nothing was changed.")
            {
                Cards = [ApprovalCards.Decided(request, a, decider, "This request was already decided; the edit was not saved.")],
                UpdatesCard = true,
                IsRefusal = true,
            });
        }

        if (request.CreatedAt < caller.Now.AddHours(-options.ApprovalTtlHours))
        {
            return (request, a, new PluginResult($"The approval request for {a.Name} expired, so it can't be edited; nothing was changed.") { Cards = [ApprovalCards.Expired(request, a)], UpdatesCard = true, IsRefusal = true });
        }

        return (request, a, null);
    }

    /// <summary>When the sent text is not the draft as written, the audit log says so: what changed and the new text.</summary>
    private async Task AuditEditAsync(CallerContext caller, Account a, string id, string kind, string written, string sent, CancellationToken cancellationToken)
    {
        if (sent != written)
        {
            await audit.AppendAsync(caller.User.Id, "intervention.edited", a.Id, DraftEdits.AuditDetails(id, kind, written, sent), caller.Now, cancellationToken);
        }
    }

    /// <summary>The reply to a second Send of a draft (on its card or its edit form): it went out once, and stays as it went.</summary>
    /// <summary>
    /// What a draft card's button names, checked before Edit or Send does anything: the account (it may have gone since
    /// the card was drawn), the draft id (a card value a client could change) and whether that draft was sent already
    /// (a second press, or the same card in two places). A null account comes with the reply that stops the button.
    /// </summary>
    private async Task<(Account? Account, PluginResult? Stop)> DraftButtonAsync(string? account, string? draft, CancellationToken cancellationToken)
    {
        Account? a = account is null ? null : await accounts.GetAsync(account, cancellationToken);
        if (a is null)
        {
            return (null, PluginResult.Refuse("That draft's account no longer exists."));
        }

        if (draft is not null && !IsId(draft))
        {
            return (null, PluginResult.Refuse(CardValue.Refusal));
        }

        return draft is not null && await interventions.GetAsync(draft, cancellationToken) is { } done ? (null, AlreadySent(done, a)) : (a, null);
    }

    private static PluginResult AlreadySent(Intervention done, Account a) => new(
        $"That draft to {a.Name} was already {(done.Status == InterventionStatus.PendingApproval ? "sent for approval" : "sent")} (intervention {done.Id}, {Vocabulary.ToSnake(done.Status).Replace('_', ' ')}); nothing was sent again.")
    {
        IsRefusal = true,
        AccountsShown = [a.Id],
    };

    private static string NewId() => "I" + Guid.NewGuid().ToString("N")[..10];

    private static bool IsId(string id) => id.Length == 11 && id[0] == 'I' && id.AsSpan(1).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>A failure to reach approvers never loses the request: it stays in the queue (`approvals`).</summary>
    private async Task<int> NotifyApproversAsync(Intervention request, Card card, string requestedBy, CancellationToken cancellationToken)
    {
        try
        {
            return await _notifier.RequestedAsync(request, card, requestedBy, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return 0;
        }
    }

    [KernelFunction("run_agent")]
    [FunctionPolicy(HasSideEffects = true, MinimumRole = UserRole.Admin)]
    [Description("Run the intervention agent now over accounts above the risk threshold (admins). With dry_run it only reports what it would do.")]
    public async Task<PluginResult> RunAgentAsync(
        [FromKernelServices] CallerContext caller,
        [Description("true to only report, writing nothing")] bool? dryRun = null,
        CancellationToken cancellationToken = default)
    {
        bool dry = dryRun ?? false;
        AgentRunReport report = await agent.RunAsync(caller.User.Id, caller.Now, dry, cancellationToken);
        if (report.Stopped)
        {
            return PluginResult.Refuse("The intervention agent is stopped (kill switch). An admin can start it with `copilot agent start`.");
        }

        var rows = report.Decisions.Take(30).Select(d => (IReadOnlyList<string>)
        [
            $"{d.Risk.Account.Name} ({d.Risk.Account.Id})", d.Risk.Account.Tier.ToString(), Format.Risk(d.Risk.Probability), AccountRisk.Badge(d.Risk.Urgency),
            d.Outcome switch
            {
                AgentOutcome.Acted => "email drafted, task created",
                AgentOutcome.QueuedForApproval => "approval requested",
                AgentOutcome.WouldAct => "would act",
                AgentOutcome.WouldQueueForApproval => "would request approval",
                AgentOutcome.SkippedRecentIntervention => "skipped: recent intervention",
                _ => "skipped: hourly limit",
            },
        ]).ToList();
        string text = dry
            ? $"Dry run: {Quantity.Of(report.Decisions.Count, "account")} above the threshold; would act on {report.Decisions.Count(d => d.Outcome == AgentOutcome.WouldAct)} and request approval for {report.Decisions.Count(d => d.Outcome == AgentOutcome.WouldQueueForApproval)} (Platinum). Nothing was written."
            : $"Agent run: acted on {report.Acted} accounts, requested approval for {report.QueuedForApproval} Platinum accounts, skipped {report.Decisions.Count - report.Acted - report.QueuedForApproval}.";
        var card = new Card(dry ? "Intervention agent (dry run)" : "Intervention agent run", [new CardTable(["Account", "Tier", "Risk", "Urgency", "Decision"], rows)], []);
        var cards = rows.Count == 0 ? new List<Card>() : [card];
        foreach (AgentDecision queued in report.Decisions.Where(d => d.Outcome == AgentOutcome.QueuedForApproval).Take(5))
        {
            if (await interventions.GetAsync(queued.InterventionId!, cancellationToken) is { } request)
            {
                cards.Add(ApprovalCards.Request(request, queued.Risk.Account, queued.Risk, await NameOfAsync(queued.Risk.Account.OwnerId, cancellationToken)));
            }
        }

        return new PluginResult(text)
        {
            Cards = cards,
            AccountsShown = report.Decisions.Select(d => d.Risk.Account.Id).ToList(),
            Data = new { dry_run = dry, acted = report.Acted, queued_for_approval = report.QueuedForApproval, eligible = report.Decisions.Count },
        };
    }

    [KernelFunction("approve")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true, MinimumRole = UserRole.Approver)]
    [Description("Approve a pending approval request (approvers, button only).")]
    public Task<PluginResult> ApproveAsync([FromKernelServices] CallerContext caller, string? intervention = null, CancellationToken cancellationToken = default) =>
        DecideAsync(caller, intervention, approve: true, cancellationToken);

    [KernelFunction("reject")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true, MinimumRole = UserRole.Approver)]
    [Description("Reject a pending approval request (approvers, button only).")]
    public Task<PluginResult> RejectAsync([FromKernelServices] CallerContext caller, string? intervention = null, CancellationToken cancellationToken = default) =>
        DecideAsync(caller, intervention, approve: false, cancellationToken);

    [KernelFunction("approvals")]
    [Description("The queue of approval requests waiting for a decision, as cards with Approve / Reject / Edit.")]
    public async Task<PluginResult> ApprovalsAsync([FromKernelServices] CallerContext caller, CancellationToken cancellationToken = default)
    {
        DateTimeOffset expiry = caller.Now.AddHours(-options.ApprovalTtlHours);
        var pending = (await interventions.ListAsync(null, cancellationToken))
            .Where(i => i.Status == InterventionStatus.PendingApproval && i.CreatedAt >= expiry).ToList();
        var cards = new List<Card>();
        var shown = new List<string>();
        // The first ten the caller may see (not the first ten overall, which could all be someone else's).
        foreach (Intervention i in pending)
        {
            if (cards.Count == 10)
            {
                break;
            }

            Account? a = await accounts.GetAsync(i.AccountId, cancellationToken);
            if (a is null || !caller.Scope.Allows(a))
            {
                continue;
            }

            cards.Add(ApprovalCards.Request(i, a, await risk.ExplainAsync(a.Id, cancellationToken), await NameOfAsync(a.OwnerId, cancellationToken), await NameOfAsync(i.CreatedBy, cancellationToken)));
            shown.Add(a.Id);
        }

        return new PluginResult(cards.Count == 0 ? "No approval requests are waiting." : $"{cards.Count} approval request{(cards.Count == 1 ? " is" : "s are")} waiting for a decision.")
        {
            Cards = cards,
            AccountsShown = shown,
            Data = new { pending = cards.Count },
        };
    }

    private async Task<PluginResult> DecideAsync(CallerContext caller, string? interventionId, bool approve, CancellationToken cancellationToken)
    {
        Intervention? request = interventionId is null ? null : await interventions.GetAsync(interventionId, cancellationToken);
        Account? a = request is null ? null : await accounts.GetAsync(request.AccountId, cancellationToken);
        if (request is null || a is null)
        {
            return PluginResult.Refuse("That approval request no longer exists.");
        }

        ApprovalDecision decision = await interventions.DecideAsync(
            request.Id, approve, caller.User.Id, caller.Now, caller.Now.AddHours(-options.ApprovalTtlHours), cancellationToken);
        Intervention current = (await interventions.GetAsync(request.Id, cancellationToken))!;
        string deciderName = current.DecidedBy is { } by ? (await users.GetAsync(by, cancellationToken))?.Name ?? by : caller.User.Name;
        switch (decision)
        {
            case ApprovalDecision.Applied:
                string details = $"{{\"intervention\":\"{current.Id}\"}}";
                await audit.AppendAsync(caller.User.Id, approve ? "approval.approved" : "approval.rejected", a.Id, details, caller.Now, cancellationToken);
                CopilotTelemetry.CountApproval(approve ? "approved" : "rejected");
                if (approve)
                {
                    CrmTask task = await crm.CreateTaskAsync(a.Id, $"Follow up on retention {current.Kind} to {a.Name}", caller.Today.AddDays(7), a.OwnerId ?? caller.User.Id, caller.User.Id, caller.Now, cancellationToken);
                    await audit.AppendAsync(caller.User.Id, "intervention.sent", a.Id, $"{{\"intervention\":\"{current.Id}\",\"task\":\"{task.Id}\"}}", caller.Now, cancellationToken);
                    CopilotTelemetry.CountIntervention("sent", "approver");
                }

                Card decided = ApprovalCards.Decided(current, a, deciderName);
                try
                {
                    await _notifier.DecidedAsync(current, decided, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The decision stands; other approvers' copies refresh when they click (they get the decided card).
                }

                return new PluginResult($"{(approve ? "Approved" : "Rejected")}: {a.Name} ({current.Id}).")
                {
                    Cards = [decided],
                    UpdatesCard = true,
                    AccountsShown = [a.Id],
                    Data = new { intervention = current.Id, decision = approve ? "approved" : "rejected" },
                };
            case ApprovalDecision.AlreadyDecided:
                return new PluginResult($"Already {(current.Status == InterventionStatus.Rejected ? "rejected" : "approved")} by {deciderName}; nothing was done again.")
                {
                    Cards = [ApprovalCards.Decided(current, a, deciderName, "This request was already decided; your click changed nothing.")],
                    UpdatesCard = true,
                    IsRefusal = true,
                };
            default:
                return new PluginResult($"The approval request for {a.Name} expired; nothing was done.") { Cards = [ApprovalCards.Expired(current, a)], UpdatesCard = true, IsRefusal = true };
        }
    }

    [KernelFunction("agent_control")]
    [FunctionPolicy(HasSideEffects = true, MinimumRole = UserRole.Admin)]
    [Description("Control the intervention agent (admins): status, stop (kill switch), start, threshold 0.9, limit 40.")]
    public async Task<PluginResult> AgentControlAsync(
        [FromKernelServices] CallerContext caller,
        [Description("status | stop | start | threshold <0-1> | limit <per hour>")] string? command = null,
        CancellationToken cancellationToken = default)
    {
        string[] words = (command ?? "status").Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string verb = words.Length == 0 ? "status" : words[0];
        string? value = words.Length > 1 ? words[1] : null;
        switch (verb)
        {
            case "stop" or "start":
                await agent.SetStoppedAsync(verb == "stop", caller.User.Id, caller.Now, cancellationToken);
                break;
            case "threshold" when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t) && t is > 0 and <= 1:
                await agent.SetLimitAsync(InterventionAgent.ThresholdKey, t.ToString(System.Globalization.CultureInfo.InvariantCulture), caller.User.Id, caller.Now, cancellationToken);
                break;
            case "limit" when int.TryParse(value, out int m) && m is >= 0 and <= 1000:
                await agent.SetLimitAsync(InterventionAgent.MaxPerHourKey, m.ToString(System.Globalization.CultureInfo.InvariantCulture), caller.User.Id, caller.Now, cancellationToken);
                break;
            case "status":
                break;
            default:
                return PluginResult.Refuse("Agent commands: status, stop, start, threshold 0.9, limit 40.");
        }

        AgentOptions o = await agent.EffectiveOptionsAsync(cancellationToken);
        bool stopped = await agent.IsStoppedAsync(cancellationToken);
        var mine = (await interventions.ListAsync(null, cancellationToken)).Where(i => i.CreatedBy == AgentOptions.ActorId).ToList();
        int lastHour = mine.Count(i => i.CreatedAt > caller.Now.AddHours(-1) && i.Status != InterventionStatus.PendingApproval);
        int awaiting = mine.Count(i => i.Status == InterventionStatus.PendingApproval && i.CreatedAt >= caller.Now.AddHours(-options.ApprovalTtlHours));
        string text = $"Agent {(stopped ? "stopped" : "enabled")}: threshold {Format.Percent(o.RiskThreshold)}, at most {o.MaxPerHour}/hour ({lastHour} in the last hour), cooldown {Quantity.Of(o.CooldownDays, "day")}; {Quantity.Of(awaiting, "approval request")} waiting.";
        return new PluginResult(text)
        {
            Cards = [new Card("Intervention agent", [new CardFacts([("State", stopped ? "stopped" : "enabled"), ("Threshold", Format.Percent(o.RiskThreshold)), ("Limit", $"{o.MaxPerHour}/hour"), ("Last hour", Format.Int(lastHour)), ("Awaiting approval", Format.Int(awaiting))])], [])],
            Data = new { stopped, threshold = o.RiskThreshold, max_per_hour = o.MaxPerHour, last_hour = lastHour, awaiting_approval = awaiting },
        };
    }

    [KernelFunction("record_outcome")]
    [FunctionPolicy(HasSideEffects = true)]
    [Description("Record the outcome of an account's latest open intervention: saved or churned.")]
    public async Task<PluginResult> RecordOutcomeAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id")] string? account = null,
        [Description("saved | churned")] string? outcome = null,
        [Description("Date of the outcome, yyyy-MM-dd (default today)")] string? date = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return PluginResult.Refuse("Which account? e.g. \"mark Contoso as saved\".");
        }

        InterventionStatus? status = outcome?.Trim().ToLowerInvariant() switch
        {
            "saved" or "save" or "retained" or "renewed" => InterventionStatus.Saved,
            "churned" or "churn" or "lost" or "cancelled" => InterventionStatus.Churned,
            _ => null,
        };
        if (status is null)
        {
            return PluginResult.Refuse("Was it saved or churned?");
        }

        (DateOnly? when, string? error) = Format.ParseDate(date, "the outcome date");
        if (error is not null)
        {
            return PluginResult.Refuse(error);
        }

        Account? a = await accounts.GetAsync(account, cancellationToken);
        Intervention? open = (await interventions.ListAsync(account, cancellationToken))
            .Where(i => i.Status is InterventionStatus.Pending or InterventionStatus.PendingApproval)
            .MaxBy(i => i.CreatedAt);
        if (a is null || open is null)
        {
            return PluginResult.Refuse($"There is no open intervention for {a?.Name ?? account}. Outcomes are recorded against interventions.");
        }

        DateTimeOffset at = when is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.FromTimeSpan(caller.Now.TimeOfDay)), TimeSpan.Zero) : caller.Now;
        await interventions.UpsertAsync([open with { Status = status.Value, OutcomeAt = at, OutcomeBy = caller.User.Id }], cancellationToken);
        await audit.AppendAsync(caller.User.Id, "intervention.outcome", a.Id, $"{{\"intervention\":\"{open.Id}\",\"outcome\":\"{status.Value.ToString().ToLowerInvariant()}\"}}", caller.Now, cancellationToken);
        return new PluginResult($"Recorded: {a.Name} {(status == InterventionStatus.Saved ? "saved" : "churned")} on {Format.Date(DateOnly.FromDateTime(at.UtcDateTime))} (intervention {open.Id}).")
        {
            AccountsShown = [a.Id],
            Data = new { intervention = open.Id, outcome = status.Value.ToString().ToLowerInvariant() },
        };
    }

    [KernelFunction("summary")]
    [Description("Intervention outcomes: saved, churned and pending counts, save rate, ARR saved, by owner and tier, with an ROI estimate and its assumptions.")]
    public async Task<PluginResult> SummaryAsync(
        [FromKernelServices] CallerContext caller,
        [Description("'me' or a CSM user id")] string? owner = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("Start date yyyy-MM-dd")] string? from = null,
        [Description("End date yyyy-MM-dd")] string? to = null,
        CancellationToken cancellationToken = default)
    {
        (DateOnly? start, string? e1) = Format.ParseDate(from, "the start date");
        (DateOnly? end, string? e2) = Format.ParseDate(to, "the end date");
        if ((e1 ?? e2) is { } error)
        {
            return PluginResult.Refuse(error);
        }

        // An unknown tier is an error to show, not a filter to drop silently.
        (Tier? tierFilter, string? tierError) = Format.ParseTier(tier);
        if (tierError is not null)
        {
            return PluginResult.Refuse(tierError);
        }

        string? ownerId = owner is null ? null : owner.Equals("me", StringComparison.OrdinalIgnoreCase) ? caller.User.Id : owner;
        var byId = (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken)).ToDictionary(a => a.Id);
        var rows = (await interventions.ListAsync(null, cancellationToken))
            .Where(i => byId.TryGetValue(i.AccountId, out Account? a) && caller.Scope.Allows(a)
                && (ownerId is null || a.OwnerId == ownerId) && (tierFilter is null || a.Tier == tierFilter))
            .Where(i => (start is null || DateOnly.FromDateTime((i.OutcomeAt ?? i.CreatedAt).UtcDateTime) >= start)
                && (end is null || DateOnly.FromDateTime((i.OutcomeAt ?? i.CreatedAt).UtcDateTime) <= end))
            .ToList();
        int saved = rows.Count(i => i.Status == InterventionStatus.Saved);
        int churned = rows.Count(i => i.Status == InterventionStatus.Churned);
        int pending = rows.Count(i => i.Status is InterventionStatus.Pending or InterventionStatus.PendingApproval);
        double saveRate = saved + churned == 0 ? 0 : saved / (double)(saved + churned);
        decimal arrSaved = rows.Where(i => i.Status == InterventionStatus.Saved).Sum(i => byId[i.AccountId].Arr);
        double expectedSaved = rows.Where(i => i.Status == InterventionStatus.Saved).Sum(i => (i.Risk ?? 0.5) * (double)byId[i.AccountId].Arr);
        double cost = rows.Count * CostPerIntervention;
        string period = start is null && end is null ? "all time" : $"{(start is { } s ? Format.Iso(s) : "start")} to {(end is { } e ? Format.Iso(e) : "today")}";
        var byOwner = rows.GroupBy(i => byId[i.AccountId].OwnerId ?? "—").OrderBy(g => g.Key).Select(g =>
        {
            int s2 = g.Count(i => i.Status == InterventionStatus.Saved), c2 = g.Count(i => i.Status == InterventionStatus.Churned);
            return (IReadOnlyList<string>)[g.Key, Format.Int(s2), Format.Int(c2), Format.Int(g.Count() - s2 - c2), s2 + c2 == 0 ? "—" : Format.Percent(s2 / (double)(s2 + c2))];
        }).ToList();
        string text = $"{saved} saved, {churned} churned, {pending} pending ({period}). Save rate {Format.Percent(saveRate)}; ARR saved {Format.Money(arrSaved)}. " +
            $"ROI estimate: {Format.Money(expectedSaved)} of expected churn avoided for {Format.Money(cost)} of CSM time" +
            (cost > 0 ? $" ({expectedSaved / cost:0}×)." : ".");
        var card = new Card(
            "Intervention outcomes",
            [
                new CardFacts([("Saved", Format.Int(saved)), ("Churned", Format.Int(churned)), ("Pending", Format.Int(pending)), ("Save rate", Format.Percent(saveRate)), ("ARR saved", Format.Money(arrSaved)), ("Period", period)]),
                new CardTable(["Owner", "Saved", "Churned", "Pending", "Save rate"], byOwner),
                new CardText($"ROI assumptions: a saved account would otherwise have churned with the risk it had when the intervention started (risk × ARR), and each intervention costs {Format.Money(CostPerIntervention)} of CSM time. Save rate = saved / (saved + churned).", Subtle: true),
            ],
            []);
        return new PluginResult(text)
        {
            Cards = [card],
            Data = new { saved, churned, pending, save_rate = Math.Round(saveRate, 3), arr_saved = arrSaved, expected_churn_avoided = Math.Round(expectedSaved), cost },
        };
    }

    /// <summary>A user's name for a card, or the id when the workspace does not know it.</summary>
    private async Task<string?> NameOfAsync(string? userId, CancellationToken cancellationToken) =>
        userId is null ? null : (await users.GetAsync(userId, cancellationToken))?.Name ?? userId;
}
