namespace CopilotBot.Plugins.Support;

/// <summary>
/// Okapi BM25 over a small set of documents built per query: enough for extractive answers over one workspace's
/// conversations. Terms are lower-cased words minus stop words, with a light suffix strip so "charges" meets "charged".
/// </summary>
internal static class KeywordScorer
{
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "is", "are", "was", "were",
        "be", "been", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom", "why", "how", "when",
        "do", "does", "did", "have", "has", "had", "any", "all", "about", "our", "we", "you", "your", "they", "their", "them",
        "i", "me", "my", "us", "can", "could", "would", "should", "there", "here", "customers", "customer", "tickets", "ticket",
        "conversations", "conversation", "support", "complaining", "complain", "complaints", "complaint", "saying", "say",
        "said", "month", "week", "today", "yesterday", "quarter", "last", "this", "days", "year", "show", "tell", "give",
        "list", "issues", "issue", "problems", "problem", "been", "having", "had", "get", "got", "much", "many", "some",
        "negative", "sentiment", "why", "accounts", "account", "mention", "mentioned", "mentions", "recently", "lately",
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january", "february",
        "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "on", "since", "between", "during", "ago", "past", "any",
    ];

    public static List<string> Terms(string text) => Words(text).Select(w => w.Stem).ToList();

    /// <summary>The searchable words of a text as written, each with its stem.</summary>
    public static List<(string Word, string Stem)> Words(string text)
    {
        var terms = new List<(string Word, string Stem)>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                string word = text[start..i].ToLowerInvariant();
                start = -1;
                // Dates and numbers are filters the router already read, not words to search for.
                if (word.Length > 1 && !StopWords.Contains(word) && !word.All(char.IsDigit) && !(word.Length <= 4 && word.EndsWith("th", StringComparison.Ordinal) && char.IsDigit(word[0])))
                {
                    terms.Add((word, Stem(word)));
                }
            }
        }

        return terms;
    }

    public static double[] Score(IReadOnlyList<List<string>> documents, IReadOnlyCollection<string> query, double k1 = 1.2, double b = 0.75)
    {
        var scores = new double[documents.Count];
        if (documents.Count == 0 || query.Count == 0)
        {
            return scores;
        }

        double avg = documents.Average(d => d.Count);
        foreach (string term in query.Distinct())
        {
            int df = documents.Count(d => d.Contains(term));
            if (df == 0)
            {
                continue;
            }

            double idf = Math.Log(1 + ((documents.Count - df + 0.5) / (df + 0.5)));
            for (int i = 0; i < documents.Count; i++)
            {
                int tf = documents[i].Count(t => t == term);
                if (tf > 0)
                {
                    scores[i] += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * documents[i].Count / Math.Max(1, avg)))));
                }
            }
        }

        return scores;
    }

    /// <summary>
    /// The same BM25 scores as <see cref="Score(IReadOnlyList{List{string}}, IReadOnlyCollection{string}, double, double)"/>
    /// (identical arithmetic), over documents whose term counts were taken once: a question over thousands of cached
    /// conversations looks each term up instead of scanning every document's words.
    /// </summary>
    public static double[] Score(IReadOnlyList<Document> documents, IReadOnlyCollection<string> query, double k1 = 1.2, double b = 0.75)
    {
        var scores = new double[documents.Count];
        if (documents.Count == 0 || query.Count == 0)
        {
            return scores;
        }

        double avg = documents.Average(d => d.Length);
        foreach (string term in query.Distinct())
        {
            int df = 0;
            for (int i = 0; i < documents.Count; i++)
            {
                df += documents[i].Counts.ContainsKey(term) ? 1 : 0;
            }

            if (df == 0)
            {
                continue;
            }

            double idf = Math.Log(1 + ((documents.Count - df + 0.5) / (df + 0.5)));
            for (int i = 0; i < documents.Count; i++)
            {
                if (documents[i].Counts.TryGetValue(term, out int tf))
                {
                    scores[i] += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * documents[i].Length / Math.Max(1, avg)))));
                }
            }
        }

        return scores;
    }

    /// <summary>A document's length in terms and how often each term occurs in it.</summary>
    public sealed record Document(int Length, Dictionary<string, int> Counts)
    {
        public static Document Of(List<string> terms)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string term in terms)
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }

            return new Document(terms.Count, counts);
        }
    }

    /// <summary>A light stemmer: plural s, then -ing/-ed, then a final e, so invoice/invoices/invoiced meet.</summary>
    private static string Stem(string w)
    {
        if (w.Length > 4 && w.EndsWith("ies", StringComparison.Ordinal))
        {
            w = w[..^3] + "y";
        }
        else if (w.Length > 3 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal))
        {
            w = w[..^1];
        }

        foreach (string suffix in (string[])["ing", "ed"])
        {
            if (w.Length > suffix.Length + 3 && w.EndsWith(suffix, StringComparison.Ordinal))
            {
                w = w[..^suffix.Length];
                break;
            }
        }

        return w.Length > 4 && w.EndsWith('e') ? w[..^1] : w;
    }
}
