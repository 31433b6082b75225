using CopilotBot.Routing.Text;

namespace CopilotBot.Routing;

/// <summary>
/// Finds account names inside an utterance, tolerating typos ("contso") and partial names ("Contoso" for
/// "Contoso Ltd"), without reading everyday words as names. Built once over the accounts: a token index
/// plus a one-deletion index for typos, so a lookup touches only the few names sharing a word with the text.
/// </summary>
/// <remarks>
/// A name's words are "distinctive" (rare across the directory and not an everyday word, like "Contoso"),
/// "generic" (descriptors shared by many names, like "Pharma" or "Systems") or legal suffixes ("Ltd").
/// A match needs at least one distinctive word; the score is 0.9 × the share of distinctive weight matched
/// (typos count 0.85) + 0.1 × the share of all name words matched, so "Contoso" scores the same for
/// "Contoso Ltd" and "Contoso Pharma" (ambiguous) while "Contoso Pharma" prefers the latter.
/// </remarks>
public sealed class AccountNameIndex
{
    private const int DistinctiveMaxAccounts = 3;
    private const double MinCoverage = 0.4;
    private const double MinCoverageWithoutHead = 0.75;
    private const double TypoQuality = 0.85;

    private static readonly HashSet<string> Suffixes = new(StringComparer.Ordinal)
    {
        "ltd", "inc", "corp", "corporation", "llc", "gmbh", "plc", "co", "company", "limited", "sa", "ag", "the",
        "and", "of", "s", "bv", "nv", "pty", "srl", "oy", "ab", "kg",
    };

    /// <summary>Words companies put after their name; never enough on their own to identify one.</summary>
    private static readonly HashSet<string> Descriptors = new(StringComparer.Ordinal)
    {
        "traders", "trading", "toys", "industries", "systems", "solutions", "technologies", "tech", "labs", "group",
        "holdings", "partners", "capital", "ventures", "enterprises", "services", "software", "networks",
        "logistics", "health", "healthcare", "pharma", "bank", "insurance", "media", "studios", "foods", "brands",
        "digital", "global", "international", "consulting", "analytics", "energy", "motors", "airlines",
        "publishing", "publishers", "research", "retail", "realty", "medical", "financial", "security", "cloud",
        "data", "dynamics", "biotech", "apparel", "construction", "learning", "manufacturing", "telecom", "hotels",
        "robotics", "importers", "college", "institute", "brewing", "science", "sciences", "winery", "coffee",
        "travel", "video", "products", "supply", "company", "works", "house", "cybernetics", "propulsion",
    };

    private readonly AccountRef[] _accounts;
    private readonly NameEntry[] _entries;
    private readonly Dictionary<string, List<Posting>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _deletes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountRef> _byId = new(StringComparer.OrdinalIgnoreCase);

    public AccountNameIndex(IEnumerable<AccountRef> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        _accounts = [.. accounts];
        var tokenLists = new string[_accounts.Length][];
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int a = 0; a < _accounts.Length; a++)
        {
            _byId.TryAdd(_accounts[a].Id, _accounts[a]);
            tokenLists[a] = NameTokens(_accounts[a].Name);
            foreach (string token in tokenLists[a].Distinct())
            {
                documentFrequency[token] = documentFrequency.GetValueOrDefault(token) + 1;
            }
        }

        _entries = new NameEntry[_accounts.Length];
        for (int a = 0; a < _accounts.Length; a++)
        {
            string[] tokens = tokenLists[a];
            var kinds = new WordKind[tokens.Length];
            var weights = new double[tokens.Length];
            for (int k = 0; k < tokens.Length; k++)
            {
                string token = tokens[k];
                int df = documentFrequency[token];
                kinds[k] = Suffixes.Contains(token) || token.Length < 2 ? WordKind.Suffix
                    : df <= DistinctiveMaxAccounts && token.Length >= 3 && !CommonWords.Contains(token) && !IsNumber(token) &&
                      !Descriptors.Contains(token)
                        ? WordKind.Distinctive
                        : WordKind.Generic;
                weights[k] = Math.Log(1 + (double)_accounts.Length / df);
                if (!_postings.TryGetValue(token, out List<Posting>? list))
                {
                    _postings[token] = list = [];
                    if (kinds[k] == WordKind.Distinctive && token.Length >= 5)
                    {
                        AddDeletes(token);
                    }
                }

                list.Add(new Posting(a, k));
            }

            _entries[a] = new NameEntry(tokens, kinds, weights);
        }
    }

    public int Count => _accounts.Length;

    public AccountRef? FindById(string id) =>
        !string.IsNullOrWhiteSpace(id) && _byId.TryGetValue(id.Trim(), out AccountRef? account) ? account : null;

    public IReadOnlyList<AccountMatch> Find(string text, int max)
    {
        if (string.IsNullOrWhiteSpace(text) || max <= 0)
        {
            return [];
        }

        List<Token> tokens = Tokenizer.Tokenize(text);
        var hits = new Dictionary<int, List<Hit>>();
        for (int u = 0; u < tokens.Count; u++)
        {
            string word = tokens[u].Text;
            if (word.Length < 2 || IsNumber(word))
            {
                continue;
            }

            bool exactDistinctive = false;
            if (_postings.TryGetValue(word, out List<Posting>? exact))
            {
                foreach (Posting posting in exact)
                {
                    AddHit(hits, posting, u, 1.0);
                    exactDistinctive |= _entries[posting.Account].Kinds[posting.Position] == WordKind.Distinctive;
                }
            }

            if (!exactDistinctive && word.Length >= 5 && !CommonWords.Contains(word))
            {
                foreach (string candidate in TypoCandidates(word))
                {
                    foreach (Posting posting in _postings[candidate])
                    {
                        AddHit(hits, posting, u, TypoQuality);
                    }
                }
            }
        }

        var matches = new List<AccountMatch>();
        foreach ((int account, List<Hit> accountHits) in hits)
        {
            (double score, int first, int last) = Score(_entries[account], accountHits);
            if (score > 0)
            {
                string span = text[tokens[first].Start..tokens[last].End];
                matches.Add(new AccountMatch(_accounts[account], Math.Round(score, 4)) { MatchedText = span });
            }
        }

        matches.Sort(static (x, y) =>
        {
            int byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(x.Account.Id, y.Account.Id);
        });
        return matches.Count > max ? matches.GetRange(0, max) : matches;
    }

    internal static string[] NameTokens(string name) =>
        [.. Tokenizer.Tokenize(name).Select(static t => t.Text).Where(static t => t.Length > 0)];

    private static bool IsNumber(string word) => word.All(char.IsAsciiDigit);

    private static void AddHit(Dictionary<int, List<Hit>> hits, Posting posting, int utterancePosition, double quality)
    {
        if (!hits.TryGetValue(posting.Account, out List<Hit>? list))
        {
            hits[posting.Account] = list = [];
        }

        list.Add(new Hit(utterancePosition, posting.Position, quality));
    }

    private static (double Score, int First, int Last) Score(NameEntry entry, List<Hit> hits)
    {
        int n = entry.Tokens.Length;
        bool hasDistinctive = entry.Kinds.Contains(WordKind.Distinctive);
        double best = 0;
        int bestFirst = 0;
        int bestLast = 0;
        Span<double> quality = stackalloc double[n];
        foreach (Hit anchor in hits)
        {
            WordKind anchorKind = entry.Kinds[anchor.NamePosition];
            if (hasDistinctive ? anchorKind != WordKind.Distinctive : anchorKind == WordKind.Suffix)
            {
                continue;
            }

            quality.Clear();
            quality[anchor.NamePosition] = anchor.Quality;
            int first = anchor.UtterancePosition;
            int last = anchor.UtterancePosition;
            foreach (Hit other in hits)
            {
                int expected = anchor.UtterancePosition + (other.NamePosition - anchor.NamePosition);
                if (other.NamePosition != anchor.NamePosition && Math.Abs(other.UtterancePosition - expected) <= 1 &&
                    other.Quality > quality[other.NamePosition])
                {
                    quality[other.NamePosition] = other.Quality;
                    first = Math.Min(first, other.UtterancePosition);
                    last = Math.Max(last, other.UtterancePosition);
                }
            }

            double required = 0;
            double matched = 0;
            int matchedWords = 0;
            int requiredWords = 0;
            int requiredMatchedExactly = 0;
            for (int k = 0; k < n; k++)
            {
                matchedWords += quality[k] > 0 ? 1 : 0;
                bool isRequired = hasDistinctive ? entry.Kinds[k] == WordKind.Distinctive : entry.Kinds[k] != WordKind.Suffix;
                if (isRequired)
                {
                    required += entry.Weights[k];
                    matched += entry.Weights[k] * quality[k];
                    requiredWords++;
                    requiredMatchedExactly += quality[k] == 1.0 ? 1 : 0;
                }
            }

            // Names made only of everyday words ("City Power & Light") need every word, spelled right,
            // and more than one word, or "light" alone would match.
            if (!hasDistinctive && (requiredMatchedExactly < requiredWords || matchedWords < 2))
            {
                continue;
            }

            // Companies go by their first distinctive word ("Northwind" for Northwind Traders); a later word
            // alone must carry most of the name's weight, so "Ventures" alone never picks one.
            double coverage = required > 0 ? matched / required : 0;
            bool headMatched = quality[entry.Head] > 0;
            if (coverage < (headMatched ? MinCoverage : MinCoverageWithoutHead))
            {
                continue;
            }

            double score = (0.9 * coverage) + (0.1 * matchedWords / n);
            if (score > best)
            {
                (best, bestFirst, bestLast) = (score, first, last);
            }
        }

        return (best, bestFirst, bestLast);
    }

    private void AddDeletes(string token)
    {
        AddDelete(token, token);
        for (int i = 0; i < token.Length; i++)
        {
            AddDelete(string.Concat(token.AsSpan(0, i), token.AsSpan(i + 1)), token);
        }
    }

    private void AddDelete(string variant, string token)
    {
        if (!_deletes.TryGetValue(variant, out List<string>? list))
        {
            _deletes[variant] = list = [];
        }

        if (!list.Contains(token))
        {
            list.Add(token);
        }
    }

    private HashSet<string> TypoCandidates(string word)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Collect(word, word, found);
        for (int i = 0; i < word.Length; i++)
        {
            Collect(string.Concat(word.AsSpan(0, i), word.AsSpan(i + 1)), word, found);
        }

        return found;
    }

    private void Collect(string variant, string word, HashSet<string> found)
    {
        if (!_deletes.TryGetValue(variant, out List<string>? tokens))
        {
            return;
        }

        foreach (string token in tokens)
        {
            int allowed = token.Length >= 8 ? 2 : 1;
            if (token != word && !found.Contains(token) && EditDistance.Damerau(word, token, allowed) <= allowed)
            {
                found.Add(token);
            }
        }
    }

    private enum WordKind : byte
    {
        Suffix,
        Generic,
        Distinctive,
    }

    private readonly record struct Posting(int Account, int Position);

    private readonly record struct Hit(int UtterancePosition, int NamePosition, double Quality);

    private sealed record NameEntry(string[] Tokens, WordKind[] Kinds, double[] Weights)
    {
        /// <summary>The first distinctive word, or the first non-suffix word when none is distinctive.</summary>
        public int Head { get; } = Math.Max(0, Array.IndexOf(Kinds, Kinds.Contains(WordKind.Distinctive) ? WordKind.Distinctive : WordKind.Generic));
    }
}
