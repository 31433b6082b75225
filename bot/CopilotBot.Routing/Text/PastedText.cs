using System.Text.RegularExpressions;

namespace CopilotBot.Routing.Text;

/// <summary>
/// Finds customer text pasted or quoted inside a request to search support ("What do support conversations say about
/// this: …", "find support tickets like this one: …", "any support conversations similar to "…"?"). The pasted words
/// would drown the request if classified, and their dates ("flight delayed today") are not the question's range, so the
/// router sends the pasted text as the query and reads slots from the wrapper alone. Runs on the raw message, so the
/// text keeps its emoji, URLs and length (the search cuts it, not the router).
/// </summary>
public static partial class PastedText
{
    /// <summary>Pasted text shorter than this (in letters or digits) is a phrase of the question, not a customer's message.</summary>
    private const int MinPastedChars = 8;

    private const int MaxWrapperWords = 16;
    private const int MaxTailWords = 10;

    /// <summary>Words that make the wrapper about support history: at least one must be there.</summary>
    private static readonly HashSet<string> Cues = new(StringComparer.Ordinal)
    {
        "support", "ticket", "tickets", "conversation", "conversations", "case", "cases", "complaint", "complaints",
        "complain", "complained", "complaining", "similar", "resembling", "resembles", "resemble", "familiar", "thread",
        "threads", "customer", "customers", "client", "clients", "wrote", "pasted", "message", "messages", "seen",
        "matches", "match",
    };

    /// <summary>Requests of other families that may quote text (an email to draft, a task to create): never rerouted.</summary>
    private static readonly HashSet<string> OtherRequests = new(StringComparer.Ordinal)
    {
        "draft", "email", "write", "reply", "respond", "remind", "reminder", "task", "todo", "mark", "approve", "reject",
        "churn", "risk", "forecast", "translate", "summarize", "summarise",
    };

    /// <summary>First words of a short closing request after the pasted text ("— seen this before?", ". Find similar ones.").</summary>
    private static readonly HashSet<string> TailStarts = new(StringComparer.Ordinal)
    {
        "find", "show", "search", "any", "anything", "seen", "have", "has", "are", "is", "do", "does", "what", "how",
        "similar", "look", "match", "got", "others", "other",
    };

    private static readonly HashSet<string> TailCues = new(StringComparer.Ordinal)
    {
        "similar", "like", "seen", "same", "others", "other", "familiar", "before", "resembling", "match", "matches", "common", "support",
    };

    /// <summary>Pasted text is kept up to this many characters (the sentence model reads about 2,000).</summary>
    public const int MaxPastedChars = 4000;

    /// <summary>The wrapper (the request around the text, with the text cut out) and the pasted text, or null.</summary>
    public static (string Wrapper, string Pasted)? Find(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        string text = message.Trim();
        if ((ByLead(text) ?? ByQuotes(text)) is not (string wrapper, string pasted))
        {
            return null;
        }

        if (pasted.Length > MaxPastedChars)
        {
            int cut = pasted.LastIndexOf(' ', MaxPastedChars);
            pasted = pasted[..(cut > MaxPastedChars / 2 ? cut : MaxPastedChars)];
        }

        return (wrapper, pasted);
    }

    /// <summary>"wrapper: text", "wrapper? text" — the first clause asks, the rest is pasted.</summary>
    private static (string Wrapper, string Pasted)? ByLead(string text)
    {
        Match lead = LeadPattern().Match(text);
        if (!lead.Success)
        {
            return null;
        }

        string wrapper = lead.Groups["wrapper"].Value.Trim();
        string rest = text[lead.Length..].Trim();
        List<string> words = Words(wrapper);
        if (words.Count == 0 || words.Count > MaxWrapperWords || !IsSupportRequest(words) || wrapper.IndexOfAny(QuoteChars) >= 0)
        {
            return null;
        }

        // "…?" leads need a pointer at the text ("anything like this?", "is this a common complaint?").
        if (lead.Groups["mark"].Value == "?" && !words.Any(w => w is "this" or "these" or "following" or "like" or "similar"))
        {
            return null;
        }

        (string pasted, string tail) = Unquote(rest);
        if (tail.Length == 0)
        {
            (pasted, tail) = CutTail(pasted);
        }

        return Letters(pasted) >= MinPastedChars ? ((wrapper + " " + tail).Trim(), pasted) : null;
    }

    /// <summary>"any support conversations similar to "text"?" — the longest quoted span, when the words around it ask about support.</summary>
    private static (string Wrapper, string Pasted)? ByQuotes(string text)
    {
        foreach ((char open, char close) in QuotePairs)
        {
            int start = IndexOfOpening(text, open);
            if (start < 0)
            {
                continue;
            }

            int end = text.LastIndexOf(close);
            if (end <= start + 1)
            {
                continue;
            }

            string pasted = text[(start + 1)..end].Trim();
            string wrapper = (text[..start] + " " + text[(end + 1)..]).Trim();
            if (Letters(pasted) >= MinPastedChars && Words(pasted).Count >= 3 && IsSupportRequest(Words(wrapper)))
            {
                return (wrapper, pasted);
            }
        }

        return null;
    }

    /// <summary>Text that starts with a quote ends at its last matching quote; what follows is the closing request.</summary>
    private static (string Pasted, string Tail) Unquote(string rest)
    {
        foreach ((char open, char close) in QuotePairs)
        {
            if (rest.Length > 2 && rest[0] == open)
            {
                int end = rest.LastIndexOf(close);
                if (end > 1)
                {
                    return (rest[1..end].Trim(), rest[(end + 1)..].Trim());
                }
            }
        }

        return (rest, string.Empty);
    }

    /// <summary>"text — what else looks like this?", "text. Find similar ones." → the text and the closing request.</summary>
    private static (string Pasted, string Tail) CutTail(string pasted)
    {
        Match tail = TailPattern().Match(pasted);
        if (tail.Success && tail.Index > 0)
        {
            List<string> words = Words(tail.Groups["tail"].Value);
            if (words.Count > 0 && words.Count <= MaxTailWords && TailStarts.Contains(words[0]) && words.Any(TailCues.Contains) && !words.Any(OtherRequests.Contains))
            {
                string head = pasted[..tail.Index].TrimEnd();
                return (head, tail.Value.Trim());
            }
        }

        return (pasted, string.Empty);
    }

    private static bool IsSupportRequest(List<string> words) => words.Any(Cues.Contains) && !words.Any(OtherRequests.Contains);

    private static int IndexOfOpening(string text, char open)
    {
        for (int i = 0; i < text.Length; i++)
        {
            // An opening quote starts the message or follows a space or colon (not an apostrophe inside a word).
            if (text[i] == open && (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is ':' or '('))
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    private static int Letters(string text) => text.Count(char.IsLetterOrDigit);

    private static readonly char[] QuoteChars = ['"', '“', '”', '«', '»'];

    private static readonly (char Open, char Close)[] QuotePairs = [('"', '"'), ('“', '”'), ('«', '»'), ('\'', '\''), ('‘', '’')];

    /// <summary>A first clause of at most ~16 words ending in ':' or '?', then the text (a colon in a URL is not followed by a space).</summary>
    [GeneratedRegex(@"^(?<wrapper>[^:?\n]{3,160}?)(?<mark>[:?])(?:\s+|\s*\n)(?=\S)", RegexOptions.CultureInvariant)]
    private static partial Regex LeadPattern();

    /// <summary>The last short clause after a dash or a sentence end.</summary>
    [GeneratedRegex(@"(?<sep>\s+[—–-]\s+|(?<=[!?])\s+|\.\s+)(?<tail>[^.!?—–]{3,80}[?.!]?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TailPattern();

    [GeneratedRegex(@"[a-z]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
