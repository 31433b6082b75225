namespace CopilotBot.Memory.Bench.Support;

/// <summary>The TF-IDF baseline: lower-cased word tokens, sublinear tf, smoothed idf, cosine.</summary>
internal sealed class TfIdf
{
    private readonly List<(string Id, Dictionary<string, double> Vector)> _documents = [];
    private readonly Dictionary<string, double> _idf = [];

    public TfIdf(IEnumerable<(string Id, string Text)> documents)
    {
        var tokenized = documents.Select(d => (d.Id, Terms: Tokens(d.Text))).ToList();
        var df = new Dictionary<string, int>();
        foreach ((_, List<string> terms) in tokenized)
        {
            foreach (string t in terms.Distinct())
            {
                df[t] = df.GetValueOrDefault(t) + 1;
            }
        }

        foreach ((string term, int count) in df)
        {
            _idf[term] = Math.Log((1.0 + tokenized.Count) / (1.0 + count)) + 1;
        }

        foreach ((string id, List<string> terms) in tokenized)
        {
            _documents.Add((id, Vector(terms)));
        }
    }

    public IEnumerable<string> Rank(string query)
    {
        Dictionary<string, double> q = Vector(Tokens(query));
        return _documents.Select(d => (d.Id, Score: q.Sum(kv => kv.Value * d.Vector.GetValueOrDefault(kv.Key))))
            .OrderByDescending(x => x.Score).Select(x => x.Id);
    }

    private Dictionary<string, double> Vector(List<string> terms)
    {
        var v = terms.GroupBy(t => t).ToDictionary(g => g.Key, g => (1 + Math.Log(g.Count())) * _idf.GetValueOrDefault(g.Key, 0));
        double norm = Math.Sqrt(v.Values.Sum(x => x * x));
        return norm == 0 ? v : v.ToDictionary(kv => kv.Key, kv => kv.Value / norm);
    }

    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "or", "to", "of", "in", "on", "for", "is", "it", "i", "my", "me", "you", "your", "we", "our",
        "at", "with", "this", "that", "be", "are", "was", "have", "has", "do", "so", "but", "not", "no", "__company__", "__cust__",
    };

    private static List<string> Tokens(string text) =>
        [.. text.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries).Where(t => !Stop.Contains(t))];

    private static readonly char[] Separators = [.. " \t\n\r.,;:!?\"'()[]{}<>/\\|#@*&^%$+=~`".ToCharArray()];
}
