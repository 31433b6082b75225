using System.Globalization;
using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Slots;

/// <summary>
/// Finds slot values in an utterance and masks them for the classifier, so "why is Contoso red" and
/// "why is P10342 red" both read "why is xacct red". Runs before classification; it does not know the
/// intent, so it records every value it sees and the router keeps the ones the chosen intent accepts.
/// </summary>
internal static class SlotExtractor
{
    public const string AccountMask = "xacct";
    public const int MaxTokens = 100;

    private const string DateMask = "xdate";
    private const string NumberMask = "xnum";
    private const string PercentMask = "xpct";
    private const string TierMask = "xtier";
    private const string RegionMask = "xregion";
    private const string IndustryMask = "xindustry";
    private const string TopicMask = "xtopic";
    private const string PersonMask = "xperson";
    private const string TaskMask = "xtask";
    private const double AmbiguityMargin = 0.02;

    private static readonly Dictionary<string, int> Ordinals = new(StringComparer.Ordinal)
    {
        ["first"] = 1, ["1st"] = 1, ["second"] = 2, ["2nd"] = 2, ["third"] = 3, ["3rd"] = 3, ["fourth"] = 4,
        ["4th"] = 4, ["fifth"] = 5, ["5th"] = 5, ["sixth"] = 6, ["6th"] = 6, ["seventh"] = 7, ["7th"] = 7,
        ["eighth"] = 8, ["8th"] = 8, ["ninth"] = 9, ["9th"] = 9, ["tenth"] = 10, ["10th"] = 10, ["last"] = -1,
        ["top"] = 1, ["bottom"] = -1,
    };

    private static readonly HashSet<string> OrdinalNouns = new(StringComparer.Ordinal)
    {
        "one", "account", "customer", "client", "company", "logo",
    };

    private static readonly HashSet<string> DemonstrativeNouns = new(StringComparer.Ordinal)
    {
        "account", "customer", "client", "company", "one", "logo", "guys", "folks",
    };

    private static readonly HashSet<string> OwnerNouns = new(StringComparer.Ordinal)
    {
        "accounts", "account", "book", "portfolio", "customers", "clients", "tasks", "task", "todos", "todo", "to",
        "renewals", "list", "reminders", "followups", "follow", "interventions", "saves", "logos", "queue", "names",
        "open", "overdue", "pending", "stuff", "deals", "base", "save", "saves", "numbers", "results", "stats",
        "forecast", "pipeline", "arr", "risk", "churn", "customer", "region", "territory", "plate", "day", "week",
    };

    private static readonly HashSet<string> PersonStop = new(StringComparer.Ordinal)
    {
        "what", "who", "where", "that", "it", "there", "here", "let", "he", "she", "how", "today", "tomorrow",
        "everyone", "nobody", "somebody", "customer", "account", "me", "you", "us", "them", "the", "my", "a",
        "which", "whom", "whoever", "team", "csm", "our", "your", "their", "this", "i", "we", "anyone", "someone",
        "everybody", "company", "yesterday", "xacct",
    };

    private static readonly HashSet<string> TopFollowers = new(StringComparer.Ordinal)
    {
        "most", "riskiest", "highest", "biggest", "largest", "worst", "accounts", "customers", "clients", "account",
        "logos", "red", "at", "top", "risky", "critical", "names", "companies",
    };

    private static readonly HashSet<string> Comparators = new(StringComparer.Ordinal)
    {
        "over", "above", "exceeding", "exceeds", "beyond", ">", "past", "min", "minimum", ">=",
    };

    private static readonly HashSet<string> DownLeads = new(StringComparer.Ordinal)
    {
        "is", "was", "were", "went", "been", "being", "are", "goes", "going", "s", "be",
    };

    public static Extraction Extract(string text, RoutingContext context, Func<string, bool>? isKnownWord)
    {
        List<Token> tokens = Tokenizer.Tokenize(text);
        if (tokens.Count > MaxTokens)
        {
            tokens = tokens.GetRange(0, MaxTokens);
        }

        var extraction = new Extraction(text, tokens);
        var state = new State(extraction);

        FindAccountIds(state, context);
        FindAccountNames(state, context);
        FindReferences(state, context.Previous);
        FindTaskIds(state);
        FindNamedOwner(state);
        extraction.Times = DateParser.FindAll(state.Words, state.Taken, context.Now);
        foreach (TimeExpression time in extraction.Times)
        {
            state.Mask(time.Start, time.End, DateMask);
        }

        FindThreshold(state);
        FindTop(state);
        FindInTable(state, Vocabulary.Tiers, "tier", TierMask);
        FindRegion(state);
        FindInTable(state, Vocabulary.Industries, "industry", IndustryMask);
        FindTopic(state);
        FindInTable(state, Vocabulary.Granularities, "granularity", null);
        FindGroupBy(state);
        if (!extraction.Values.ContainsKey("group_by"))
        {
            // "which industries churn most?": a grouping named without "by"; only portfolio.cohorts reads it.
            FindLooseValue(state, Vocabulary.GroupBy, "group_hint");
            if (extraction.Values.TryGetValue("group_hint", out object? hint) && (string)hint == "bucket")
            {
                extraction.Values.Remove("group_hint");
            }
        }

        FindOwnerAfterFor(state);
        FindOwnerMe(state);
        FindLooseValue(state, Vocabulary.DryRun, "dry_run");
        FindLooseValue(state, Vocabulary.Channels, "channel");
        FindLooseValue(state, Vocabulary.Outcomes, "outcome");
        FindLooseValue(state, Vocabulary.Statuses, "status");
        if (!extraction.Values.ContainsKey("dry_run") && SaysDoNotSend(state.Words))
        {
            extraction.Values["dry_run"] = "true";
        }

        if (extraction.Values.TryGetValue("dry_run", out object? dryRun))
        {
            extraction.Values["dry_run"] = (string)dryRun == "true";
        }

        state.BuildMasked();
        if (extraction.Account.Kind == AccountMentionKind.None)
        {
            extraction.UnknownName = FindUnknownName(state, isKnownWord);
        }

        return extraction;
    }

    private static void FindAccountIds(State state, RoutingContext context)
    {
        for (int i = 0; i < state.Words.Length; i++)
        {
            string word = state.Words[i];
            if (!LooksLikeAccountId(word))
            {
                continue;
            }

            string id = state.Surface(i, i + 1).ToUpperInvariant();
            AccountRef? account = context.Accounts.FindById(id);
            state.Mask(i, i + 1, AccountMask);
            state.Extraction.AccountSpan = (i, i + 1);
            state.Extraction.Account = account is null
                ? new AccountMention(AccountMentionKind.UnknownId, Text: id)
                : new AccountMention(AccountMentionKind.Resolved, account);
            return;
        }
    }

    /// <summary>Ids like P10342 or ACC-1042: 1–3 letters, optional dash, 3–7 digits; "T123" is a task.</summary>
    private static bool LooksLikeAccountId(string word)
    {
        int letters = 0;
        while (letters < word.Length && char.IsAsciiLetter(word[letters]))
        {
            letters++;
        }

        int digitsStart = letters < word.Length && word[letters] == '-' ? letters + 1 : letters;
        int digits = word.Length - digitsStart;
        if (letters is < 1 or > 3 || digits is < 3 or > 7 || (letters == 1 && word[0] == 't'))
        {
            return false;
        }

        for (int k = digitsStart; k < word.Length; k++)
        {
            if (!char.IsAsciiDigit(word[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static void FindAccountNames(State state, RoutingContext context)
    {
        if (state.Extraction.Account.Kind != AccountMentionKind.None)
        {
            return;
        }

        IReadOnlyList<AccountMatch> matches = context.Accounts.FindByName(state.Extraction.Text, 8);
        var usable = new List<(AccountMatch Match, int Start, int End)>();
        foreach (AccountMatch match in matches)
        {
            (int start, int end) = state.Locate(match);
            if (start >= 0 && !state.AnyTaken(start, end))
            {
                usable.Add((match, start, end));
            }
        }

        if (usable.Count == 0)
        {
            return;
        }

        double best = usable[0].Match.Score;
        var close = usable.Where(u => u.Match.Score >= best - AmbiguityMargin).ToList();

        // An exact name beats a prefix of it: "Quantum Motors Inc" is that account, not "Quantum Motors" (whose whole
        // name is in the text too); the longest name written out in full wins.
        var written = close.Select(u => (u.Match, Span: WrittenInFull(state.Words, u.Match.Account.Name)))
            .Where(x => x.Span.Start >= 0 && !state.AnyTaken(x.Span.Start, x.Span.End)).ToList();
        if (written.Count > 0)
        {
            int longest = written.Max(x => x.Span.End - x.Span.Start);
            var full = written.Where(x => x.Span.End - x.Span.Start == longest).DistinctBy(x => x.Match.Account.Id).ToList();
            if (full.Count == 1)
            {
                close = [(full[0].Match, full[0].Span.Start, full[0].Span.End)];
            }
        }

        var candidates = close.Select(u => u.Match.Account).DistinctBy(a => a.Id).Take(4).ToList();
        (_, int first, int last) = close[0];
        state.Mask(first, last, AccountMask);
        state.Extraction.AccountSpan = (first, last);
        state.Extraction.Account = candidates.Count == 1
            ? new AccountMention(AccountMentionKind.Resolved, candidates[0])
            : new AccountMention(AccountMentionKind.Ambiguous, Candidates: candidates, Text: state.Surface(first, last));
    }

    /// <summary>Where the account's whole name (every word, in order) stands in the text, or (-1, -1).</summary>
    private static (int Start, int End) WrittenInFull(string[] words, string name)
    {
        string[] tokens = AccountNameIndex.NameTokens(name);
        if (tokens.Length == 0)
        {
            return (-1, -1);
        }

        for (int i = 0; i + tokens.Length <= words.Length; i++)
        {
            int k = 0;
            while (k < tokens.Length && words[i + k] == tokens[k])
            {
                k++;
            }

            if (k == tokens.Length)
            {
                return (i, i + tokens.Length);
            }
        }

        return (-1, -1);
    }

    private static void FindReferences(State state, ConversationMemory? previous)
    {
        if (state.Extraction.Account.Kind != AccountMentionKind.None)
        {
            return;
        }

        string[] w = state.Words;

        // The answer to "Which account did you mean: Willow Bioscience GmbH or Willow Bioscience LLC?" may be just what
        // tells them apart ("GmbH", "the LLC one"): words of exactly one of the offered names, and of no other.
        if (previous is { AwaitingAccount: true, ShownAccounts.Count: > 1 } && Distinguished(state, previous.ShownAccounts) is ({ } chosen, int first, int last))
        {
            SetReference(state, first, last + 1, new AccountMention(AccountMentionKind.Resolved, Account: chosen));
            return;
        }

        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            // "the second one", "the last account", "2nd one", "number 3", "#2"
            int j = w[i] == "the" ? i + 1 : i;
            if (j < w.Length && Ordinals.TryGetValue(w[j], out int ordinal))
            {
                bool nounFollows = j + 1 < w.Length && OrdinalNouns.Contains(w[j + 1]);
                bool endsHere = j + 1 == w.Length && j > i;
                bool allowed = w[j] is "top" or "bottom" ? nounFollows && w[j + 1] == "one" : nounFollows || endsHere;
                if (allowed && !state.AnyTaken(i, j + (nounFollows ? 2 : 1)))
                {
                    int end = j + (nounFollows ? 2 : 1);
                    SetReference(state, i, end, new AccountMention(AccountMentionKind.Ordinal, Ordinal: ordinal));
                    return;
                }
            }

            if ((w[i] == "number" || w[i] == "#") && i + 1 < w.Length && NumberWords.Parse(w[i + 1]) is >= 1 and <= 20 &&
                !w.Contains("task") && !w.Contains("tasks"))
            {
                SetReference(state, i, i + 2, new AccountMention(AccountMentionKind.Ordinal, Ordinal: NumberWords.Parse(w[i + 1])!.Value));
                return;
            }
        }

        bool haveReferent = previous is not null && (previous.Account is not null || previous.ShownAccounts.Count > 0);
        if (!haveReferent)
        {
            return;
        }

        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            int end = w[i] switch
            {
                "them" or "they" or "their" or "theirs" or "theyre" => i + 1,
                "this" or "that" or "these" or "those" when i + 1 < w.Length && DemonstrativeNouns.Contains(w[i + 1]) => i + 2,
                "the" when i + 1 < w.Length && w[i + 1] is "account" or "customer" or "client" or "company" => i + 2,
                "it" when i > 0 && w[i - 1] is "is" or "s" or "was" or "isnt" => i + 1,
                _ => -1,
            };
            if (end > 0 && !state.AnyTaken(i, end))
            {
                SetReference(state, i, end, new AccountMention(AccountMentionKind.Pronoun));
                return;
            }
        }
    }

    /// <summary>The one offered account that the message's words single out (first and last word used), if they agree.</summary>
    private static (AccountRef Account, int First, int Last)? Distinguished(State state, IReadOnlyList<AccountRef> offered)
    {
        string[][] names = [.. offered.Select(a => AccountNameIndex.NameTokens(a.Name))];
        AccountRef? chosen = null;
        int first = -1, last = -1;
        for (int i = 0; i < state.Words.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            int[] holders = [.. Enumerable.Range(0, offered.Count).Where(k => names[k].Contains(state.Words[i], StringComparer.Ordinal))];
            if (holders.Length != 1)
            {
                continue;
            }

            if (chosen is not null && chosen.Id != offered[holders[0]].Id)
            {
                return null; // "GmbH, no, the LLC": two different answers.
            }

            chosen = offered[holders[0]];
            first = first < 0 ? i : first;
            last = i;
        }

        return chosen is null ? null : (chosen, first, last);
    }

    private static void SetReference(State state, int start, int end, AccountMention mention)
    {
        state.Mask(start, end, AccountMask);
        state.Extraction.AccountSpan = (start, end);
        state.Extraction.Account = mention;
    }

    private static void FindTaskIds(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            if (w[i].Length is >= 2 and <= 7 && w[i][0] == 't' && w[i].Skip(1).All(char.IsAsciiDigit))
            {
                state.Extraction.Values["task_id"] = "T" + w[i][1..];
                state.Mask(i, i + 1, TaskMask);
                return;
            }

            if (w[i] is "task" or "todo" or "reminder")
            {
                int k = i + 1;
                if (k < w.Length && w[k] is "#" or "number" or "no" or "id")
                {
                    k++;
                }

                if (k < w.Length && !state.Taken[k] && w[k].Length <= 6 && w[k].All(char.IsAsciiDigit))
                {
                    state.Extraction.Values["task_id"] = "T" + w[k].TrimStart('0').PadLeft(1, '0');
                    state.Mask(i + 1, k + 1, TaskMask);
                    return;
                }
            }
        }
    }

    private static void FindNamedOwner(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            int nameStart = -1;
            bool strong = false;
            if (i + 1 < w.Length && ((w[i] is "owned" or "managed" or "handled" or "covered" && w[i + 1] == "by") ||
                                     (w[i] is "assigned" or "belonging" && w[i + 1] == "to")))
            {
                nameStart = i + 2;
                strong = true;
            }
            else if (w[i] is "did" or "has" or "does" or "for" && i + 2 < w.Length && state.Extraction.Tokens[i + 1].Capitalized &&
                     w[i + 2] is "get" or "save" or "saved" or "have" or "lose" or "lost" or "close" or "closed" or "own" or "manage" or "s")
            {
                nameStart = i + 1;
            }
            else if (w[i] is "csm" && i + 1 < w.Length && state.Extraction.Tokens[i + 1].Capitalized)
            {
                nameStart = i + 1;
            }
            else if (w[i] == "s" && i > 0 && i + 1 < w.Length && Enumerable.Range(i + 1, 3).Any(k => k < w.Length && OwnerNouns.Contains(w[k])) &&
                     state.Extraction.Tokens[i - 1].Capitalized && !state.Taken[i - 1] && !PersonStop.Contains(w[i - 1]))
            {
                nameStart = i > 1 && state.Extraction.Tokens[i - 2].Capitalized && !state.Taken[i - 2] && !PersonStop.Contains(w[i - 2])
                    ? i - 2
                    : i - 1;
                state.Extraction.Values["owner"] = Title(state.Surface(nameStart, i));
                state.Mask(nameStart, i, PersonMask);
                return;
            }

            if (nameStart < 0 || nameStart >= w.Length || state.Taken[nameStart] || PersonStop.Contains(w[nameStart]) ||
                !w[nameStart].All(char.IsLetter) || (!strong && !state.Extraction.Tokens[nameStart].Capitalized))
            {
                continue;
            }

            int nameEnd = nameStart + 1;
            if (nameEnd < w.Length && state.Extraction.Tokens[nameEnd].Capitalized && !state.Taken[nameEnd] &&
                w[nameEnd].All(char.IsLetter) && !PersonStop.Contains(w[nameEnd]))
            {
                nameEnd++;
            }

            state.Extraction.Values["owner"] = Title(state.Surface(nameStart, nameEnd));
            state.Mask(nameStart, nameEnd, PersonMask);
            return;
        }
    }

    /// <summary>"the at-risk list for Kenji": a capitalised word after "for" that no other slot claimed is a person.</summary>
    private static void FindOwnerAfterFor(State state)
    {
        if (state.Extraction.Values.ContainsKey("owner"))
        {
            return;
        }

        string[] w = state.Words;
        for (int i = 0; i + 1 < w.Length; i++)
        {
            int name = i + 1;
            if (w[i] != "for" || state.Taken[name] || !state.Extraction.Tokens[name].Capitalized ||
                !w[name].All(char.IsLetter) || PersonStop.Contains(w[name]) || (name + 1 < w.Length && !state.Taken[name + 1] && w[name + 1] != "s" && OwnerNouns.Contains(w[name + 1]) is false && w[name + 1].All(char.IsLetter) && !state.Extraction.Tokens[name + 1].Capitalized))
            {
                continue;
            }

            int end = name + 1 < w.Length && state.Extraction.Tokens[name + 1].Capitalized && !state.Taken[name + 1] && w[name + 1].All(char.IsLetter) ? name + 2 : name + 1;
            state.Extraction.Values["owner"] = Title(state.Surface(name, end));
            state.Mask(name, end, PersonMask);
            return;
        }
    }

    private static void FindOwnerMe(State state)
    {
        if (state.Extraction.Values.ContainsKey("owner"))
        {
            return;
        }

        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            bool mine = w[i] switch
            {
                "my" => Enumerable.Range(i + 1, 3).Any(k => k < w.Length && OwnerNouns.Contains(w[k])),
                "mine" => true,
                "i" => i + 1 < w.Length && w[i + 1] is "own" or "manage" or "cover" or "handle",
                "me" => i > 0 && w[i - 1] is "to" or "for" or "by" && (i < 2 || w[i - 2] is not "remind" and not "email" and not "send"),
                _ => false,
            };
            if (mine && !state.Taken[i])
            {
                state.Extraction.Values["owner"] = "me";
                state.Consume(i, i + 1);
                return;
            }
        }
    }

    private static void FindThreshold(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i] || NumberWords.ParseDecimal(w[i]) is not { } number || number < 0)
            {
                continue;
            }

            bool percentSign = i + 1 < w.Length && w[i + 1] is "%" or "percent" or "pct";
            bool comparator = i > 0 && (Comparators.Contains(w[i - 1]) ||
                              (i > 1 && w[i - 1] is "than" && w[i - 2] is "more" or "greater" or "higher" or "larger") ||
                              (i > 1 && w[i - 1] is "least" && w[i - 2] == "at") ||
                              (i > 1 && w[i - 1] is "of" && w[i - 2] == "north"));
            if (!percentSign && !comparator)
            {
                continue;
            }

            double value = percentSign || number > 1 ? number / 100.0 : number;
            if (value is <= 0 or > 1)
            {
                continue;
            }

            state.Extraction.Values["threshold"] = Math.Round(value, 4);
            state.Mask(i, percentSign ? i + 2 : i + 1, PercentMask);
            return;
        }
    }

    private static void FindTop(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            if (w[i] is "top" or "first" or "bottom" && i + 1 < w.Length && !state.Taken[i + 1] && NumberWords.Parse(w[i + 1]) is >= 1 and <= 500 and int top)
            {
                state.Extraction.Values["top"] = top;
                state.Consume(i, i + 1);
                state.Mask(i + 1, i + 2, NumberMask);
                return;
            }

            if (NumberWords.Parse(w[i]) is >= 1 and <= 200 and int count && i + 1 < w.Length && TopFollowers.Contains(w[i + 1]) &&
                !(w[i + 1] == "at" && (i + 2 >= w.Length || w[i + 2] != "risk")))
            {
                state.Extraction.Values["top"] = count;
                state.Mask(i, i + 1, NumberMask);
                return;
            }
        }
    }

    private static void FindInTable(State state, PhraseTable table, string slot, string? mask)
    {
        for (int i = 0; i < state.Words.Length; i++)
        {
            if (table.MatchAt(state.Words, state.Taken, i) is not { } match)
            {
                continue;
            }

            state.Extraction.Values.TryAdd(slot, match.Value);
            if (mask is null)
            {
                state.Consume(i, i + match.Length);
            }
            else
            {
                state.Mask(i, i + match.Length, mask);
            }

            i += match.Length - 1;
        }
    }

    private static void FindRegion(State state)
    {
        for (int i = 0; i < state.Words.Length; i++)
        {
            if (state.Taken[i])
            {
                continue;
            }

            // "US" and "NA" only in capitals: "us" and "na" are usually ordinary words.
            string surface = state.Surface(i, i + 1);
            string? value = surface is "US" or "NA" or "U.S" ? "NA" : null;
            int length = 1;
            if (value is null && Vocabulary.Regions.MatchAt(state.Words, state.Taken, i) is { } match)
            {
                (value, length) = match;
            }

            if (value is null)
            {
                continue;
            }

            state.Extraction.Values.TryAdd("region", value);
            state.Mask(i, i + length, RegionMask);
            i += length - 1;
        }
    }

    private static void FindTopic(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            if (!state.Taken[i] && w[i] == "down" && i > 0 && DownLeads.Contains(w[i - 1]))
            {
                state.Extraction.Values.TryAdd("topic", "outage");
                state.Mask(i, i + 1, TopicMask);
                continue;
            }

            if (Vocabulary.Topics.MatchAt(w, state.Taken, i) is { } match)
            {
                state.Extraction.Values.TryAdd("topic", match.Value);
                state.Mask(i, i + match.Length, TopicMask);
                i += match.Length - 1;
            }
        }
    }

    private static void FindGroupBy(State state)
    {
        string[] w = state.Words;
        for (int i = 0; i < w.Length; i++)
        {
            if (state.Taken[i] || !(Vocabulary.GroupByLeads.Contains(w[i]) || (w[i] == "breakdown" && i + 1 < w.Length)))
            {
                continue;
            }

            int k = i + 1;
            if (k < w.Length && w[k] is "the" or "each" or "by")
            {
                k++;
            }

            if (k < w.Length && Vocabulary.GroupBy.MatchAt(w, state.Taken, k) is { } match)
            {
                state.Extraction.Values["group_by"] = match.Value;
                state.Consume(i, k + match.Length);
                return;
            }
        }
    }

    /// <summary>Values that are also intent words ("email", "saved"): recorded but left for the classifier.</summary>
    private static void FindLooseValue(State state, PhraseTable table, string slot)
    {
        var free = new bool[state.Words.Length];
        for (int i = 0; i < state.Words.Length; i++)
        {
            if (table.MatchAt(state.Words, free, i) is { } match && !state.Hidden[i])
            {
                state.Extraction.Values.TryAdd(slot, match.Value);
                return;
            }
        }
    }

    /// <summary>"don't actually send anything", "without emailing anyone", "no emails".</summary>
    private static bool SaysDoNotSend(string[] w)
    {
        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] is "dont" or "not" or "without" or "no" or "never")
            {
                for (int k = i + 1; k < Math.Min(w.Length, i + 4); k++)
                {
                    if (w[k] is "send" or "sending" or "email" or "emailing" or "emails" or "contact" or "contacting")
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static string? FindUnknownName(State state, Func<string, bool>? isKnownWord)
    {
        if (isKnownWord is null)
        {
            return null;
        }

        string[] w = state.Words;
        int start = -1;
        int end = -1;
        for (int i = 0; i < w.Length; i++)
        {
            bool unknown = !state.Taken[i] && w[i].Length >= 3 && w[i].All(char.IsLetter) &&
                           !CommonWords.Contains(w[i]) && !isKnownWord(w[i]);
            if (unknown && start < 0)
            {
                start = i;
                end = i + 1;
            }
            else if (unknown && end == i)
            {
                end = i + 1;
            }
            else if (start >= 0 && end == i && state.Extraction.Tokens[i].Capitalized && !state.Taken[i] && w[i].All(char.IsLetter))
            {
                end = i + 1;
            }
        }

        // "Quantum Widgets Inc": a capitalised word just before the unknown one (here an everyday word) is part of the
        // name, so the reply echoes the name as written, not "Widgets Inc". The first word of the text is skipped
        // unless it is followed by another capitalised word ("Why is…" is not a name).
        while (start > 0 && !state.Taken[start - 1] && state.Extraction.Tokens[start - 1].Capitalized && w[start - 1].All(char.IsLetter) &&
               (start - 1 > 0 || state.Extraction.Tokens[start].Capitalized) && !NameStops.Contains(w[start - 1]))
        {
            start--;
        }

        return start < 0 ? null : state.Surface(start, end);
    }

    /// <summary>Capitalised words that start a question or a request rather than a name.</summary>
    private static readonly HashSet<string> NameStops = new(StringComparer.Ordinal)
    {
        "why", "what", "how", "is", "are", "draft", "email", "call", "remind", "show", "tell", "explain", "mark", "i", "the",
        "create", "write", "send", "list", "who", "when", "where", "which", "can", "could", "please", "find", "about",
    };

    private static string Title(string text) =>
        string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static part => char.ToUpper(part[0], CultureInfo.InvariantCulture) + part[1..]));

    private sealed class State(Extraction extraction)
    {
        public Extraction Extraction { get; } = extraction;

        public string[] Words { get; } = [.. extraction.Tokens.Select(static t => t.Text)];

        public bool[] Taken { get; } = extraction.Used;

        public bool[] Hidden { get; } = new bool[extraction.Tokens.Count];

        private readonly string?[] _placeholders = new string?[extraction.Tokens.Count];

        public void Mask(int start, int end, string placeholder)
        {
            for (int k = start; k < end; k++)
            {
                Taken[k] = true;
                Hidden[k] = true;
            }

            _placeholders[start] = placeholder;
        }

        public void Consume(int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                Taken[k] = true;
            }
        }

        public bool AnyTaken(int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                if (Taken[k])
                {
                    return true;
                }
            }

            return false;
        }

        public string Surface(int start, int end) =>
            Extraction.Text[Extraction.Tokens[start].Start..Extraction.Tokens[end - 1].End];

        /// <summary>The token range a match covers: its reported span, or the words that spell its name.</summary>
        public (int Start, int End) Locate(AccountMatch match)
        {
            List<Token> tokens = Extraction.Tokens;
            if (match.MatchedText is { Length: > 0 } span)
            {
                int at = Extraction.Text.IndexOf(span, StringComparison.OrdinalIgnoreCase);
                if (at >= 0)
                {
                    int first = tokens.FindIndex(t => t.End > at);
                    int last = tokens.FindLastIndex(t => t.Start < at + span.Length);
                    if (first >= 0 && last >= first)
                    {
                        return (first, last + 1);
                    }
                }
            }

            string[] nameWords = AccountNameIndex.NameTokens(match.Account.Name);
            int start = -1;
            int end = -1;
            for (int i = 0; i < tokens.Count; i++)
            {
                bool hit = nameWords.Any(n => n.Length > 2 && (n == Words[i] || (Words[i].Length >= 5 && EditDistance.Damerau(n, Words[i], 1) <= 1)));
                if (hit)
                {
                    start = start < 0 ? i : start;
                    end = i + 1;
                }
            }

            return (start, end);
        }

        public void BuildMasked()
        {
            for (int i = 0; i < Words.Length; i++)
            {
                if (_placeholders[i] is { } placeholder)
                {
                    Extraction.Masked.Add(placeholder);
                }
                else if (!Hidden[i])
                {
                    Extraction.Masked.Add(Words[i]);
                }
            }
        }
    }
}
