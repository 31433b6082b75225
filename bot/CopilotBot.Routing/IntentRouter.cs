using CopilotBot.Routing.Classification;
using CopilotBot.Routing.Slots;
using CopilotBot.Routing.Text;

namespace CopilotBot.Routing;

/// <summary>
/// The embedded natural-language router: masks slot values, classifies the masked text with the embedded
/// <see cref="RouterModel"/>, then fills the chosen intent's arguments, resolving follow-ups ("why?",
/// "and in EMEA?", "the second one") against the previous turn. Thread-safe; build once and share.
/// </summary>
public sealed class IntentRouter
{
    /// <summary>Below this the out-of-scope class does not win outright; we ask instead.</summary>
    private const double OutOfScopeThreshold = 0.5;

    /// <summary>Read-only intents run from this probability; below it we ask.</summary>
    private const double RouteThreshold = 0.5;

    /// <summary>
    /// Between <see cref="WeakRouteThreshold"/> and <see cref="RouteThreshold"/> a read-only guess runs only when it
    /// leads the runner-up by this much; a close call ("how many accounts do we have": 0.43 against 0.2x) asks.
    /// </summary>
    private const double WeakRouteThreshold = 0.4;

    private const double WeakRouteMargin = 0.25;

    /// <summary>Intents that change something need a clearer signal: a wrong guess costs more than a question.</summary>
    private const double SideEffectThreshold = 0.6;

    /// <summary>An in-scope guess weaker than this is not worth a clarifying question.</summary>
    private const double ClarifyFloor = 0.15;

    private const double FollowUpConfidence = 0.9;

    /// <summary>A request wrapping pasted customer text is recognised by its shape, not classified: fixed confidence.</summary>
    private const double PastedConfidence = 0.9;
    private const int MaxAlternatives = 4;
    private const int MaxClassifiedWords = 40;

    private const string EmptyReason =
        "Ask me something like \"who is at risk in EMEA?\", \"why is Contoso red?\" or \"remind me to call Acme next Friday\".";

    private const string OutOfScopeReason =
        "I can help with churn risk, support conversations, retention emails, interventions, CRM tasks, portfolio forecasts, " +
        "adoption, expansion and account plans.";

    private const string NotEnglishReason = "Sorry, I can only help in English for now. " + EmptyReason;

    private static readonly HashSet<string> FollowUpFillers = new(StringComparer.Ordinal)
    {
        "and", "what", "about", "how", "in", "for", "the", "same", "only", "just", "now", "then", "instead", "also",
        "ok", "okay", "so", "but", "with", "of", "please", "pls", "show", "me", "those", "ones", "accounts", "account",
        "customers", "one", "them", "it", "make", "due", "change", "move", "push", "set", "to", "actually", "rather",
        "date", "deadline", "let", "s", "lets", "do", "try", "filter", "at", "on", "is", "are", "vs", "versus",
        "over", "under", "whats", "hmm", "again", "too", "as", "well", "same", "thing", "there", "that",
        "this", "these", "give", "can", "you", "could", "by", "sorry", "i", "meant", "mean", "no", "yes", "yeah",
        "yep", "sure", "look", "like", "within", "only", "filtered", "narrow", "down", "bump", "reschedule", "make",
        "switch", "use", "go", "with", "ones", "those", "them", "a", "an", "any", "other",
        "breakdown", "broken", "split", "grouped", "group", "per", "each", "instead", "next", "mine", "my",
    };

    /// <summary>Words that may stand around a lone account name ("what about Contoso?") without asking for anything.</summary>
    private static readonly HashSet<string> BareFillers = new(StringComparer.Ordinal)
    {
        "what", "about", "and", "how", "ok", "okay", "so", "hmm", "the", "account", "customer", "client", "s",
        "hey", "um", "please", "pls", "then", "now", "re", "regarding", "for",
    };

    private static readonly HashSet<string> WhyWords = new(StringComparer.Ordinal)
    {
        "why", "how", "come", "that", "so", "whats", "what", "s", "is", "it", "driving", "drives", "behind", "the",
        "reason", "reasons", "explain", "and", "exactly", "though", "red", "risky", "at", "risk", "again",
    };

    private readonly RouterModel _model;
    private readonly ExtensionIndex? _extensions;

    public IntentRouter(RouterModel model)
        : this(model, null)
    {
    }

    private IntentRouter(RouterModel model, ExtensionIndex? extensions)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _extensions = extensions;
    }

    /// <summary>
    /// This router, also routing to functions that plugins added with example utterances (<see cref="ExtensionIndex"/>,
    /// built here at start-up); the embedded classifier and its decisions for built-in functions are unchanged.
    /// </summary>
    public IntentRouter WithExtensions(IEnumerable<RouterExtension> extensions) => new(_model, ExtensionIndex.Build(extensions));

    /// <summary>The plugin functions this router also routes to.</summary>
    public IReadOnlyCollection<RouterExtension> Extensions => _extensions?.Extensions ?? [];

    public RouterModel Model => _model;

    /// <summary>The router with the model embedded in this assembly.</summary>
    public static IntentRouter CreateDefault() => new(RouterModel.LoadEmbedded());

    public RouteResult Route(string text, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ConversationMemory previous = context.Previous ?? ConversationMemory.Empty;
        string clean = TextSanitizer.Clean(text);
        if (!TextSanitizer.HasContent(clean))
        {
            return Result(RouteKind.Invalid, null, 1.0, null, [], EmptyReason, previous);
        }

        // Customer text pasted into a request to search support goes to support.ask as the query, whatever it is about;
        // slots (account, time range) come from the request around it only.
        if (PastedText.Find(text) is (string wrapper, string pasted))
        {
            Extraction around = SlotExtractor.Extract(TextSanitizer.Clean(wrapper), context, _model.IsKnownWord);
            return Build(IntentCatalog.SupportAsk, PastedConfidence, around, context, previous, [], null, pasted);
        }

        if (LanguageGuess.IsLikelyNotEnglish(clean))
        {
            return Result(RouteKind.OutOfScope, null, 1.0, null, [], NotEnglishReason, previous);
        }

        Extraction extraction = SlotExtractor.Extract(clean, context, _model.IsKnownWord);
        List<string> content = ContentWords(extraction);

        if (TryFollowUp(extraction, content, context, previous) is { } followUp)
        {
            return followUp;
        }

        // Only the start of a long message is classified: requests come first, pasted context after.
        double[] probabilities = _model.Predict(extraction.Masked.Count > MaxClassifiedWords
            ? extraction.Masked.GetRange(0, MaxClassifiedWords)
            : extraction.Masked);
        List<IntentScore> ranked = Rank(probabilities);
        List<IntentScore> inScope = [.. ranked.Where(static s => s.Intent != IntentCatalog.OutOfScopeLabel)];

        if (extraction.Account.Kind is AccountMentionKind.Resolved or AccountMentionKind.Ambiguous && IsBare(extraction) &&
            extraction.Values.Count == 0 && extraction.Times.Count == 0)
        {
            return BareAccount(extraction, previous);
        }

        IntentScore top = ranked[0];
        bool sideEffect = IntentCatalog.SideEffecting.Contains(top.Intent);
        double runnerUp = inScope.Count > 1 ? inScope[1].Score : 0;
        bool confident = top.Intent != IntentCatalog.OutOfScopeLabel && (sideEffect
            ? top.Score >= SideEffectThreshold
            : top.Score >= RouteThreshold || (top.Score >= WeakRouteThreshold && top.Score - runnerUp >= WeakRouteMargin));

        // A request to change something that the classifier is sure of ("draft an email to … about their renewal coming
        // up") is never handed to a read-only plugin function that only shares some of its words.
        if (_extensions?.Match(extraction.Masked, builtInIsSure: confident) is ({ } extension, double similarity) &&
            !(confident && sideEffect && !extension.HasSideEffects))
        {
            return BuildExtension(extension, similarity, extraction, context, previous);
        }

        if (top.Intent == IntentCatalog.OutOfScopeLabel)
        {
            return top.Score >= OutOfScopeThreshold || inScope[0].Score < ClarifyFloor
                ? Result(RouteKind.OutOfScope, null, top.Score, null, [], OutOfScopeReason, previous)
                : ClarifyIntent(inScope, previous);
        }

        if (!confident)
        {
            return ClarifyIntent(inScope, previous);
        }

        List<IntentScore> alternatives = [.. inScope.Where(s => s.Intent != top.Intent).Take(3)];
        return Build(top.Intent, top.Score, extraction, context, previous, alternatives, null);
    }

    private static List<string> ContentWords(Extraction extraction)
    {
        var words = new List<string>();
        for (int i = 0; i < extraction.Tokens.Count; i++)
        {
            string word = extraction.Tokens[i].Text;
            if (!extraction.Used[i] && !FollowUpFillers.Contains(word) && word.Any(char.IsLetter))
            {
                words.Add(word);
            }
        }

        return words;
    }

    private static bool IsBare(Extraction extraction)
    {
        for (int i = 0; i < extraction.Tokens.Count; i++)
        {
            if (!extraction.Used[i] && !BareFillers.Contains(extraction.Tokens[i].Text))
            {
                return false;
            }
        }

        return true;
    }

    private RouteResult? TryFollowUp(Extraction extraction, List<string> content, RoutingContext context, ConversationMemory previous)
    {
        if (previous.Intent is null && previous.Account is null && previous.ShownAccounts.Count == 0)
        {
            return null;
        }

        // "why?", "why is that?", "how come?" right after a list or an account.
        bool asksWhy = content.Contains("why") || (content.Contains("how") && content.Contains("come"));
        if (asksWhy && content.All(WhyWords.Contains) && extraction.Values.Count == 0)
        {
            return Build(IntentCatalog.ChurnExplain, FollowUpConfidence, extraction, context, previous, [], null);
        }

        if (previous.Intent is null || content.Count > 0)
        {
            return null;
        }

        bool accountAccepted = extraction.Account.Kind != AccountMentionKind.None && IntentCatalog.Accepts(previous.Intent, "account");
        bool valueAccepted = extraction.Values.Keys.Any(k => IntentCatalog.Accepts(previous.Intent, IntentCatalog.SlotFor(previous.Intent, k)));
        bool timeAccepted = extraction.Times.Count > 0 && DateRole(previous.Intent) != DateSlot.None;
        if (!accountAccepted && !valueAccepted && !timeAccepted)
        {
            return null;
        }

        return Build(previous.Intent, FollowUpConfidence, extraction, context, previous, [], previous.Slots);
    }

    private static RouteResult BareAccount(Extraction extraction, ConversationMemory previous)
    {
        AccountMention mention = extraction.Account;
        if (mention.Kind == AccountMentionKind.Ambiguous)
        {
            return AmbiguousAccount(null, new Dictionary<string, object>(), mention.Candidates!, previous);
        }

        AccountRef account = mention.Account!;
        IntentScore[] options =
        [
            new(IntentCatalog.ChurnExplain, 0.34), new(IntentCatalog.SupportAsk, 0.33), new(IntentCatalog.InterventionsDraft, 0.33),
        ];
        string reason = $"Do you want {account.Name}'s risk, its recent support issues, or to draft an email?";
        ConversationMemory memory = previous with { Account = account };
        return new RouteResult(RouteKind.Clarify, null, 0.34, new Dictionary<string, object> { ["account"] = account.Id }, options, reason, memory);
    }

    private static RouteResult ClarifyIntent(List<IntentScore> inScope, ConversationMemory previous)
    {
        List<IntentScore> options = [.. inScope.Take(MaxAlternatives).Where((s, i) => i < 2 || s.Score >= 0.05)];
        string[] phrases = [.. options.Select(o => IntentCatalog.Describe(o.Intent))];
        string reason = "I'm not sure what you need. Do you want to " + JoinOr(phrases) + "?";
        return Result(RouteKind.Clarify, null, options[0].Score, null, options, reason, previous);
    }

    private static RouteResult AmbiguousAccount(string? intent, Dictionary<string, object> slots, IReadOnlyList<AccountRef> candidates, ConversationMemory previous)
    {
        string reason = "Which account did you mean: " + JoinOr([.. candidates.Select(static c => c.Name)]) + "?";
        var memory = new ConversationMemory(intent ?? previous.Intent, slots, null, candidates) { AwaitingAccount = intent is not null };
        return new RouteResult(RouteKind.Clarify, intent, 0.5, slots, [], reason, memory);
    }

    private RouteResult Build(
        string intent,
        double confidence,
        Extraction extraction,
        RoutingContext context,
        ConversationMemory previous,
        IReadOnlyList<IntentScore> alternatives,
        IReadOnlyDictionary<string, object>? carried,
        string? pastedQuestion = null)
    {
        var slots = carried is null
            ? new Dictionary<string, object>(StringComparer.Ordinal)
            : new Dictionary<string, object>(carried, StringComparer.Ordinal);
        bool acceptsAccount = IntentCatalog.Accepts(intent, "account");

        // Account: explicit name or id, then "them"/"the second one", then the account in focus.
        AccountRef? account = null;
        AccountMention mention = extraction.Account;
        switch (mention.Kind)
        {
            case AccountMentionKind.Resolved:
                account = mention.Account;
                break;
            case AccountMentionKind.Ambiguous when acceptsAccount:
                slots.Remove("account");
                AddValues(intent, extraction, context, slots, null);
                return AmbiguousAccount(intent, slots, mention.Candidates!, previous);
            case AccountMentionKind.UnknownId:
                return Result(RouteKind.Invalid, intent, confidence, null, alternatives,
                    $"I couldn't find an account with id {mention.Text}. Check the id, or use the account's name.", previous);
            case AccountMentionKind.Ordinal when acceptsAccount:
            {
                IReadOnlyList<AccountRef> shown = previous.ShownAccounts;
                if (shown.Count == 0)
                {
                    return Result(RouteKind.Clarify, intent, confidence, null, [],
                        "Which account do you mean? I don't have a list from earlier in this conversation.", previous);
                }

                int index = mention.Ordinal < 0 ? shown.Count - 1 : mention.Ordinal - 1;
                if (index >= shown.Count)
                {
                    return Result(RouteKind.Invalid, intent, confidence, null, [],
                        $"I only listed {shown.Count} account{(shown.Count == 1 ? string.Empty : "s")}; which one do you mean?", previous);
                }

                account = shown[index];
                break;
            }

            case AccountMentionKind.Pronoun when acceptsAccount:
                account = previous.Account ?? (previous.ShownAccounts.Count == 1 ? previous.ShownAccounts[0] : null);
                if (account is null && previous.ShownAccounts.Count > 1)
                {
                    return AmbiguousAccount(intent, slots, [.. previous.ShownAccounts.Take(MaxAlternatives)], previous);
                }

                break;
            default:
                break;
        }

        if (account is null && acceptsAccount && carried is null && IntentCatalog.AccountRequired.Contains(intent))
        {
            if (extraction.UnknownName is { } unknown && mention.Kind == AccountMentionKind.None)
            {
                return Result(RouteKind.Invalid, intent, confidence, null, alternatives,
                    $"I couldn't find an account called '{unknown}'. Check the spelling, or use the account id (like P10342).", previous);
            }

            account = previous.Account ?? (previous.ShownAccounts.Count == 1 ? previous.ShownAccounts[0] : null);
            if (account is null)
            {
                if (previous.ShownAccounts.Count > 1 && intent == IntentCatalog.ChurnExplain)
                {
                    return AmbiguousAccount(intent, slots, [.. previous.ShownAccounts.Take(MaxAlternatives)], previous);
                }

                AddValues(intent, extraction, context, slots, null);
                var pending = new ConversationMemory(intent, slots, null, previous.ShownAccounts) { AwaitingAccount = true };
                return new RouteResult(RouteKind.Clarify, intent, confidence, slots, [],
                    $"Which account? Give me a name or an id and I'll {IntentCatalog.Describe(intent)}.", pending);
            }
        }

        if (account is not null && acceptsAccount)
        {
            slots["account"] = account.Id;
        }

        // A follow-up to a request whose "which account?" is still open ("make it due Monday" after "remind me to call
        // Juniper Media next Friday" asked GmbH or LLC) changes the request but never runs a side effect without one.
        if (carried is not null && previous.AwaitingAccount && account is null && !slots.ContainsKey("account") &&
            IntentCatalog.SideEffecting.Contains(intent) && acceptsAccount)
        {
            AddValues(intent, extraction, context, slots, null);
            return previous.ShownAccounts.Count > 1
                ? AmbiguousAccount(intent, slots, [.. previous.ShownAccounts.Take(MaxAlternatives)], previous)
                : new RouteResult(RouteKind.Clarify, intent, confidence, slots, [],
                    $"Which account? Give me a name or an id and I'll {IntentCatalog.Describe(intent)}.",
                    new ConversationMemory(intent, slots, null, previous.ShownAccounts) { AwaitingAccount = true });
        }

        AddValues(intent, extraction, context, slots, account);
        if (pastedQuestion is not null && intent == IntentCatalog.SupportAsk)
        {
            slots["question"] = pastedQuestion;
        }

        if (IntentCatalog.AccountRequired.Contains(intent) && !slots.ContainsKey("account"))
        {
            var pending = new ConversationMemory(intent, slots, null, previous.ShownAccounts) { AwaitingAccount = true };
            return new RouteResult(RouteKind.Clarify, intent, confidence, slots, [],
                $"Which account? Give me a name or an id and I'll {IntentCatalog.Describe(intent)}.", pending);
        }

        AccountRef? focus = account ?? (acceptsAccount ? previous.Account : null);
        var memory = new ConversationMemory(intent, slots, focus, previous.ShownAccounts);
        return new RouteResult(RouteKind.Routed, intent, Math.Round(confidence, 4), slots, alternatives, null, memory);
    }

    /// <summary>Copies the values the intent accepts, turning time phrases into from/to, due or horizon_days.</summary>
    private static void AddValues(string intent, Extraction extraction, RoutingContext context, Dictionary<string, object> slots, AccountRef? account)
    {
        foreach ((string key, object value) in extraction.Values)
        {
            string slot = IntentCatalog.SlotFor(intent, key);
            if (IntentCatalog.Accepts(intent, slot))
            {
                slots[slot] = value;
            }
        }

        DateSlot role = DateRole(intent);
        List<TimeExpression> times = extraction.Times;
        if (times.Count > 0 && role != DateSlot.None)
        {
            slots.Remove("from");
            slots.Remove("to");
            slots.Remove("due");
            slots.Remove("horizon_days");
        }

        if (times.Count > 0)
        {
            TimeExpression first = times[0];
            switch (role)
            {
                case DateSlot.PastRange or DateSlot.FutureRange:
                {
                    DateRange range = role == DateSlot.PastRange ? first.Past : first.Future;
                    DateOnly to = times.Count > 1 ? (role == DateSlot.PastRange ? times[1].Past.To : times[1].Future.To) : range.To;
                    slots["from"] = Iso(range.From);
                    slots["to"] = Iso(to);
                    break;
                }

                case DateSlot.Due:
                    slots["due"] = Iso(first.Due);
                    break;
                case DateSlot.Horizon when first.HorizonDays is { } horizon:
                    slots["horizon_days"] = horizon;
                    break;
                default:
                    break;
            }
        }
        else if (intent == IntentCatalog.CrmListTasks && HasOverdue(extraction))
        {
            // "Overdue" = due before today; the CRM plugin also filters out completed tasks.
            slots["to"] = Iso(context.Now.AddDays(-1));
        }

        if (intent == IntentCatalog.CrmCreateTask && TaskTitle(extraction, account) is { } title)
        {
            slots["title"] = title;
        }

        // The question as asked: support.ask searches with it; adoption.patterns finds feature and plan names in it
        // ("what do healthcare customers adopt after SSO?", "the usual path for Pro accounts"), which are no slots here.
        if (intent is IntentCatalog.SupportAsk or IntentCatalog.AdoptionPatterns)
        {
            slots["question"] = extraction.Text;
        }
    }

    private static bool HasOverdue(Extraction extraction)
    {
        List<Token> tokens = extraction.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Text is "overdue" or "late" or "missed" or "miss" or "behind" ||
                (tokens[i].Text == "past" && i + 1 < tokens.Count && tokens[i + 1].Text == "due"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"remind me to call Acme next Friday" → "Call Acme"; pronouns become the account's name.</summary>
    private static string? TaskTitle(Extraction extraction, AccountRef? account)
    {
        List<Token> tokens = extraction.Tokens;
        int start = -1;
        for (int i = 0; i < tokens.Count && start < 0; i++)
        {
            string word = tokens[i].Text;
            if (word == "to" && i > 0 && Enumerable.Range(Math.Max(0, i - 3), i - Math.Max(0, i - 3))
                    .Any(k => tokens[k].Text is "remind" or "reminder" or "task" or "todo" or "need" or "needs" or "want" or "note" or "me"))
            {
                start = i + 1;
            }
            else if (word is "follow" or "followup" or "check" or "call" or "email" or "send" or "schedule" or "book" or "prep" or "prepare" or "review" or "ping")
            {
                start = i;
            }
        }

        if (start < 0 || start >= tokens.Count)
        {
            return account is null ? null : $"Follow up with {account.Name}";
        }

        bool[] skip = new bool[tokens.Count];
        foreach (TimeExpression time in extraction.Times)
        {
            for (int k = time.Start; k < time.End; k++)
            {
                skip[k] = true;
            }

            int before = time.Start - 1;
            if (before >= 0 && tokens[before].Text is "on" or "by" or "before" or "due" or "for" or "at" or "until" or "next" or "this")
            {
                skip[before] = true;
            }
        }

        var parts = new List<string>();
        (int Start, int End)? accountSpan = extraction.AccountSpan;
        bool referenceSpan = extraction.Account.Kind is AccountMentionKind.Pronoun or AccountMentionKind.Ordinal;
        for (int k = start; k < tokens.Count; k++)
        {
            if (skip[k] || (tokens[k].Text == "s" && k > 0 && tokens[k - 1].End == tokens[k].Start))
            {
                continue;
            }

            if (accountSpan is { } span && k >= span.Start && k < span.End && referenceSpan)
            {
                if (k == span.Start && account is not null)
                {
                    parts.Add(account.Name);
                }

                continue;
            }

            parts.Add(extraction.Text[tokens[k].Start..tokens[k].End]);
        }

        while (parts.Count > 0 && parts[^1].ToLowerInvariant() is "please" or "pls" or "on" or "by" or "for" or "due" or "at")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count == 0)
        {
            return account is null ? null : $"Follow up with {account.Name}";
        }

        string title = string.Join(' ', parts);
        return char.ToUpperInvariant(title[0]) + title[1..];
    }

    private static DateSlot DateRole(string intent) => intent switch
    {
        IntentCatalog.ChurnAtRisk or IntentCatalog.PortfolioForecast or IntentCatalog.PortfolioSummary => DateSlot.Horizon,
        IntentCatalog.SupportAsk or IntentCatalog.SupportTrends or IntentCatalog.InterventionsSummary or IntentCatalog.PortfolioAccounts => DateSlot.PastRange,
        IntentCatalog.CrmListTasks => DateSlot.FutureRange,
        IntentCatalog.CrmCreateTask => DateSlot.Due,
        _ => DateSlot.None,
    };

    private List<IntentScore> Rank(double[] probabilities)
    {
        var ranked = new List<IntentScore>(probabilities.Length);
        for (int c = 0; c < probabilities.Length; c++)
        {
            ranked.Add(new IntentScore(_model.Labels[c], Math.Round(probabilities[c], 4)));
        }

        ranked.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        return ranked;
    }

    /// <summary>
    /// A plugin function's route: the account named (when it takes one), the values it declares (tier, region, owner, …),
    /// a look-ahead ("next 60 days" → <c>horizon_days</c>) or a past range (<c>from</c>/<c>to</c>) when it takes those.
    /// </summary>
    private static RouteResult BuildExtension(RouterExtension extension, double similarity, Extraction extraction, RoutingContext context, ConversationMemory previous)
    {
        var slots = new Dictionary<string, object>(StringComparer.Ordinal);
        bool Takes(string slot) => extension.Slots.Contains(slot, StringComparer.Ordinal);
        if (extraction.Account.Kind == AccountMentionKind.Resolved && Takes("account"))
        {
            slots["account"] = extraction.Account.Account!.Id;
        }

        foreach ((string key, object value) in extraction.Values)
        {
            if (Takes(key))
            {
                slots[key] = value;
            }
        }

        if (extraction.Times.Count > 0)
        {
            TimeExpression first = extraction.Times[0];
            if (Takes("horizon_days") && first.Future.To > context.Now)
            {
                // The look-ahead as said ("next 60 days" → 60, "this quarter" → to its end), not the churn model's buckets.
                slots["horizon_days"] = first.Future.To.DayNumber - context.Now.DayNumber;
            }
            else if (Takes("from") && Takes("to"))
            {
                slots["from"] = Iso(first.Past.From);
                slots["to"] = Iso(first.Past.To);
            }
        }

        ConversationMemory memory = previous with { Intent = extension.Intent, Slots = slots };
        return Result(RouteKind.Routed, extension.Intent, similarity, slots, [], null, memory);
    }

    private static RouteResult Result(
        RouteKind kind,
        string? intent,
        double confidence,
        Dictionary<string, object>? slots,
        IReadOnlyList<IntentScore> alternatives,
        string? reason,
        ConversationMemory memory) =>
        new(kind, intent, Math.Round(confidence, 4), slots ?? new Dictionary<string, object>(), alternatives, reason, memory);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string JoinOr(IReadOnlyList<string> items) => items.Count switch
    {
        0 => string.Empty,
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1],
    };

    private enum DateSlot
    {
        None,
        PastRange,
        FutureRange,
        Due,
        Horizon,
    }
}
