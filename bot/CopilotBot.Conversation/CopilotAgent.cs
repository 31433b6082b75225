using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using Microsoft.SemanticKernel;
using CopilotBot.Routing;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Conversation;

/// <summary>
/// Handles one turn from any channel: who is asking, what they mean (the embedded router, or a language model when one
/// is configured), which catalog function answers (through the kernel and its filters), and the reply. Conversation
/// memory is kept per conversation in the workspace, so follow-ups survive a restart.
/// </summary>
public sealed class CopilotAgent(
    CopilotWorkspace workspace,
    Kernel kernel,
    IntentRouter router,
    WorkspaceAccountDirectory directory,
    AccessPolicy policy,
    TimeProvider clock,
    IModelRouter? modelRouter = null)
{
    public const int MaxQuestionLength = 4000;

    private static readonly Dictionary<string, object?> NoArguments = [];

    /// <summary>The Semantic Kernel with the catalog's plugins and the invocation filters; every route calls through it.</summary>
    public Kernel Kernel => kernel;

    /// <summary>
    /// Answers one turn, as the span <c>turn</c> (a child of the channel's span when there is one) and one
    /// <c>copilot.turn.duration</c> measurement tagged with the channel and the tool that answered. When the workspace's
    /// store fails underneath it (file gone, database down) the person gets a plain reply saying so — that nothing was
    /// changed, or, if a function with side effects had already run, that it did and what could not be recorded — never an
    /// exception; the next turn works again once the store is back.
    /// </summary>
    public async Task<TurnReply> HandleAsync(TurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using System.Diagnostics.Activity? span = CopilotTelemetry.Source.StartActivity("turn");
        span?.SetTag("copilot.channel", request.Channel);
        span?.SetTag("copilot.turn.kind", request.Value is null ? "message" : "action");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        string tool = "none";
        var ledger = new TurnLedger();
        TurnLedger.Current.Value = ledger;
        try
        {
            TurnReply reply = await HandleTurnAsync(request, cancellationToken);
            tool = reply.Tool ?? "none";
            span?.SetTag("copilot.tool", tool);
            span?.SetTag("copilot.confidence", Math.Round(reply.Confidence, 3));
            return reply;
        }
        catch (Exception ex) when (WorkspaceUnavailable.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            tool = "error";
            CopilotTelemetry.RecordError("turn", ex, span);
            StoreFaulted?.Invoke(ex);
            return ledger.SideEffect is { } done
                ? TurnReply.Plain(
                    $"That was done ({done}), but then I lost the workspace before I could record it. Check before doing it again — I should be back in a minute.",
                    tool: null, confidence: 0)
                : TurnReply.Plain(WorkspaceUnavailable.Reply, tool: null, confidence: 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            tool = "error";
            CopilotTelemetry.RecordError("turn", ex, span);
            throw;
        }
        finally
        {
            TurnLedger.Current.Value = null;
            CopilotTelemetry.TurnDuration.Record(
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("copilot.channel", request.Channel),
                new KeyValuePair<string, object?>("copilot.tool", tool));
        }
    }

    /// <summary>Told about store failures that became a "can't reach the workspace" reply, so the host can log them.</summary>
    public Action<Exception>? StoreFaulted { get; set; }

    private async Task<TurnReply> HandleTurnAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        bool demo = await workspace.IsDemoAsync(cancellationToken);
        User? user = await workspace.Users.GetAsync(request.UserId, cancellationToken);
        if (user is null)
        {
            return TurnReply.Plain("I don't know you yet. Ask an admin to add you to CopilotBot's users.", tool: null, confidence: 0);
        }

        DateTimeOffset now = clock.GetUtcNow();
        var caller = new CallerContext(user, request.Channel, request.ConversationId, DateOnly.FromDateTime(now.UtcDateTime), now,
            await policy.ScopeAsync(user, cancellationToken));
        // Memory is per person within a conversation: in a group chat (one conversation id, several people) what one
        // person was shown never resolves "the second one" or "them" for another, and no one's turn erases another's.
        string memoryKey = MemoryKey(request.ConversationId, user.Id);
        ConversationMemory memory = MemoryCodec.Deserialize(await workspace.ConversationState.GetAsync(memoryKey, cancellationToken));
        (AccountNameIndex index, IReadOnlyDictionary<string, Account> byId) = await directory.GetAsync(cancellationToken);

        TurnReply reply;
        ConversationMemory next = memory;
        CardValue? action = request.Value is { } value ? CardValue.Read(value) : null;
        if (request.Value is not null && action is null)
        {
            // Card data every channel passes through untouched: a tampered or malformed button payload (a number for the
            // verb, duplicate keys, nested objects for arguments) is refused in words, never acted on or a server error.
            return TurnReply.Plain(CardValue.Refusal, tool: null, confidence: 0);
        }

        if (action is { Verb.Length: > 0 })
        {
            (reply, next) = await HandleActionAsync(action, caller, memory, byId, cancellationToken);
        }
        else if (request.Text is { Length: > MaxQuestionLength })
        {
            // Cutting a long paste would answer a question nobody asked; say so instead.
            return TurnReply.Plain(
                string.Create(CultureInfo.InvariantCulture, $"That message is {request.Text.Length:N0} characters long; I read questions of up to {MaxQuestionLength:N0} characters. Please shorten it."),
                tool: null, confidence: 0);
        }
        else
        {
            string text = Sanitize(request.Text);
            if (text.Length == 0)
            {
                return TurnReply.Plain("Ask me something, for example: \"which Platinum accounts are most likely to churn?\"", tool: null, confidence: 0);
            }

            if (SlashCommand(text) is ({ } command, var commandArgs))
            {
                // An explicit command, not a guess: it runs as typed, through every filter (/agent: admins only).
                (reply, _) = await InvokeAsync(command, commandArgs, caller, InvocationSource.Confirmed, 1.0, cancellationToken);
                await workspace.ConversationState.SetAsync(memoryKey, MemoryCodec.Serialize(next), now, cancellationToken);
                return demo ? LabelDemo(reply) : reply;
            }

            var routing = new RoutingContext(caller.Today, new WorkspaceAccountDirectory.Scoped(index, byId, caller.Scope, directory.ScopedIndex(index, byId, caller.Scope)), memory);
            ModelRoute? modelRoute = modelRouter is null ? null : await modelRouter.RouteAsync(text, caller, memory, request.Partial, cancellationToken);
            if (modelRoute is { Reply: { } modelReply })
            {
                reply = modelReply;
                next = memory.WithShownAccounts(modelRoute.AccountsShown.Select(id => Ref(id, byId)).OfType<AccountRef>().ToList());
            }
            else
            {
                RouteResult route = Route(text, routing);
                next = route.Memory;
                (reply, IReadOnlyList<string> shown) = await AnswerAsync(route, caller, demo, HelpText.BookOf(byId.Values, caller.Scope), cancellationToken);
                if (shown.Count > 0)
                {
                    next = next.WithShownAccounts(shown.Select(id => Ref(id, byId)).OfType<AccountRef>().ToList());
                }

                if (modelRoute?.FallbackNote is { } note)
                {
                    reply = reply with { Text = note + " " + reply.Text };
                }
            }
        }

        await workspace.ConversationState.SetAsync(memoryKey, MemoryCodec.Serialize(next), now, cancellationToken);
        return demo ? LabelDemo(reply) : reply;
    }

    /// <summary>The embedded router as the span <c>route embedded</c>: the route's kind, intent and confidence, never the text.</summary>
    private RouteResult Route(string text, RoutingContext routing)
    {
        using System.Diagnostics.Activity? span = CopilotTelemetry.Source.StartActivity("route embedded");
        RouteResult route = router.Route(text, routing);
        if (span is not null)
        {
            span.SetTag("copilot.router.kind", "embedded");
            span.SetTag("copilot.route.kind", route.Kind.ToString());
            span.SetTag("copilot.intent", route.Intent);
            span.SetTag("copilot.confidence", Math.Round(route.Confidence, 3));
        }

        return route;
    }

    /// <summary>The slash commands: <c>/agent status|stop|start|threshold N|limit N</c> and <c>/alerts</c>.</summary>
    private (KernelFunction? Function, Dictionary<string, object?> Arguments) SlashCommand(string text)
    {
        if (text.StartsWith("/agent", StringComparison.OrdinalIgnoreCase))
        {
            return (kernel.Find("interventions.agent_control"), new Dictionary<string, object?> { ["command"] = text[6..].Trim() });
        }

        if (text.Equals("/alerts", StringComparison.OrdinalIgnoreCase))
        {
            return (kernel.Find("alerts.list"), []);
        }

        return (null, []);
    }

    private async Task<(TurnReply Reply, IReadOnlyList<string> Shown)> AnswerAsync(RouteResult route, CallerContext caller, bool demo, IReadOnlyList<Account> book, CancellationToken cancellationToken)
    {
        var arguments = route.Slots.ToDictionary(s => s.Key, s => (object?)s.Value);
        switch (route.Kind)
        {
            case RouteKind.Invalid:
                return (new TurnReply(route.Reason ?? "I didn't get that.", null, arguments, [], [], route.Confidence), []);
            case RouteKind.OutOfScope:
                return (new TurnReply(
                    "That's outside what I can do. " + HelpText.Text(demo: false, book), null, NoArguments, [], [], route.Confidence), []);
            case RouteKind.Clarify:
                return (Clarify(route), []);
        }

        if (route.Intent is null or IntentCatalog.Help)
        {
            return (new TurnReply(HelpText.Text(demo, book), "help", NoArguments, [HelpText.Card(demo, book)], [], route.Confidence), []);
        }

        KernelFunction? function = kernel.Find(route.Intent);
        if (function is null)
        {
            return (TurnReply.Plain("I can't do that yet.", null, route.Confidence), []);
        }

        return await InvokeAsync(function, arguments, caller, InvocationSource.Router, route.Confidence, cancellationToken);
    }

    private async Task<(TurnReply, ConversationMemory)> HandleActionAsync(
        CardValue action,
        CallerContext caller,
        ConversationMemory memory,
        IReadOnlyDictionary<string, Account> byId,
        CancellationToken cancellationToken)
    {
        string verb = action.Verb;
        if (verb == "cancel")
        {
            return (TurnReply.Plain("Cancelled; nothing was done.", null), memory);
        }

        string functionName = FunctionFor(verb);
        Dictionary<string, object?> arguments;
        if (verb == Filters.ConfirmationFilter.ConfirmVerb)
        {
            functionName = action.Fields.GetValueOrDefault("function") ?? string.Empty;
            if (CardValue.ParseArguments(action.Fields.GetValueOrDefault("arguments")) is not { } confirmed)
            {
                return (TurnReply.Plain(CardValue.Refusal, null, 0), memory);
            }

            arguments = confirmed;
        }
        else
        {
            arguments = action.Fields.Where(p => p.Key != "verb").ToDictionary(p => p.Key, p => (object?)p.Value);
        }

        if (functionName == IntentCatalog.Help)
        {
            IReadOnlyList<Account> book = HelpText.BookOf(byId.Values, caller.Scope);
            return (new TurnReply(HelpText.Text(false, book), "help", NoArguments, [HelpText.Card(false, book)], [], 1), memory);
        }

        KernelFunction? function = kernel.Find(functionName);
        if (function is null)
        {
            return (TurnReply.Plain("That button isn't something I can act on any more.", null, 0), memory);
        }

        // A click is the user's explicit choice: it passes as confirmed, and every other filter still applies.
        (TurnReply reply, IReadOnlyList<string> shown) = await InvokeAsync(function, arguments, caller, InvocationSource.Confirmed, 1.0, cancellationToken);
        var slots = arguments.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!);
        ConversationMemory next = memory with { Intent = function.CatalogName(), Slots = slots };
        if (shown.Count > 0)
        {
            next = next.WithShownAccounts(shown.Select(id => Ref(id, byId)).OfType<AccountRef>().ToList());
            next = next with { Account = next.ShownAccounts.Count == 1 ? next.ShownAccounts[0] : next.Account };
        }

        return (reply, next);
    }

    public async Task<(TurnReply Reply, IReadOnlyList<string> Shown)> InvokeAsync(
        KernelFunction function,
        Dictionary<string, object?> arguments,
        CallerContext caller,
        InvocationSource source,
        double confidence,
        CancellationToken cancellationToken)
    {
        PluginResult result = await kernel.InvokeForAsync(function, arguments, caller, source, cancellationToken);
        IReadOnlyList<Card> cards = [.. result.Cards.Select(c => ForViewer(c, caller))];
        return (new TurnReply(result.Text, function.CatalogName(), arguments, cards, result.Evidence, confidence) { UpdatesCard = result.UpdatesCard && result.Cards.Count > 0 }, result.AccountsShown);
    }

    /// <summary>
    /// The card as this viewer should see it: only the buttons they may use (Approve / Reject are not shown to a CSM; the
    /// authorization filter would refuse the click anyway).
    /// </summary>
    private Card ForViewer(Card card, CallerContext caller)
    {
        var actions = card.Actions.Where(a =>
        {
            string name = FunctionFor(a.Verb);
            return kernel.Find(name) is not { } f || Filters.AuthorizationFilter.RoleAllows(caller.User.Role, f.Policy().MinimumRole);
        }).ToList();
        return actions.Count == card.Actions.Count ? card : card with { Actions = actions };
    }

    /// <summary>
    /// The catalog function a button's verb names. Approval cards use the short verbs of the approval flow; their Edit opens
    /// the approver's form (approvers only, so only they see it).
    /// </summary>
    public static string FunctionFor(string verb) => verb switch
    {
        "approve" => "interventions.approve",
        "reject" => "interventions.reject",
        "edit" => "interventions.edit_approval",
        _ => verb,
    };

    private static TurnReply Clarify(RouteResult route)
    {
        var actions = new List<CardAction>();
        foreach (IntentScore alt in route.Alternatives.Take(4))
        {
            var data = route.Slots.ToDictionary(s => s.Key, s => Convert.ToString(s.Value, CultureInfo.InvariantCulture) ?? string.Empty);
            actions.Add(new CardAction(IntentCatalog.Describe(alt.Intent), alt.Intent, data));
        }

        string text = route.Reason ?? "I'm not sure what you'd like me to do. Did you mean one of these?";
        var cards = actions.Count == 0 ? new List<Card>() : [new Card("Did you mean…", [new CardText(text)], actions) { FallbackText = text }];
        return new TurnReply(text, null, route.Slots.ToDictionary(s => s.Key, s => (object?)s.Value), cards, [], route.Confidence);
    }

    /// <summary>Where one person's memory of one conversation is kept.</summary>
    public static string MemoryKey(string conversationId, string userId) => conversationId + "|" + userId.ToLowerInvariant();

    private static AccountRef? Ref(string id, IReadOnlyDictionary<string, Account> byId) =>
        byId.TryGetValue(id, out Account? a) ? new AccountRef(a.Id, a.Name) : null;

    private static TurnReply LabelDemo(TurnReply reply)
    {
        const string Note = "Demo data: a generated portfolio, not real customers.";
        if (reply.Cards.Count == 0)
        {
            return reply;
        }

        var cards = reply.Cards.Select(c => c.Body.OfType<CardText>().Any(t => t.Text.StartsWith("Demo data", StringComparison.Ordinal))
            ? c
            : c with { Body = [.. c.Body, new CardText(Note, Subtle: true)] }).ToList();
        return reply with { Cards = cards };
    }

    /// <summary>Drops control characters and trims very long input, so nothing downstream sees either.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(Math.Min(text.Length, MaxQuestionLength));
        foreach (char c in text)
        {
            if (sb.Length >= MaxQuestionLength)
            {
                break;
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString().Trim();
    }
}
