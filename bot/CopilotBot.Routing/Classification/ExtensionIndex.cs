using CopilotBot.Routing.Accounts;

namespace CopilotBot.Routing.Classification;

/// <summary>
/// A function a plugin added to the catalog, as the embedded router sees it: its catalog name, the example utterances it
/// declared, the arguments it takes (catalog names: <c>tier</c>, <c>horizon_days</c>, …), and whether it changes something.
/// </summary>
public sealed record RouterExtension(string Intent, IReadOnlyList<string> Utterances, IReadOnlyList<string> Slots, bool HasSideEffects);

/// <summary>
/// Routes to plugin functions that the embedded classifier was not trained on, from the example utterances they declare,
/// built at start-up in milliseconds: a nearest-neighbour match over TF-IDF vectors of the masked words, with the built-in
/// catalog's own training utterances in the same index. A question goes to an extension only when its nearest example
/// is one of the extension's, and close enough — so a plugin cannot take questions the built-in functions answer.
/// </summary>
public sealed class ExtensionIndex
{
    /// <summary>How close (cosine) the nearest example must be for a read-only function.</summary>
    public const double Threshold = 0.5;

    /// <summary>A function that changes something needs a closer match: a wrong guess costs more.</summary>
    public const double SideEffectThreshold = 0.7;

    /// <summary>How much nearer the nearest built-in example may be before the built-in router keeps the question.</summary>
    public const double Margin = 0.1;

    /// <summary>The built-in catalog's training utterances, masked once per process (every runtime shares them).</summary>
    private static readonly Lazy<List<(IReadOnlyList<string> Words, string Label)>> BuiltIn = new(() =>
    {
        var directory = new InMemoryAccountDirectory(DemoAccounts.Generate());
        return TrainingData.ParseUtterances(TrainingData.ReadUtterancesResource())
            .Select(u => (RouterTrainer.MaskForTraining(u.Text, directory), u.Label))
            .ToList();
    });

    private readonly List<(Dictionary<int, double> Vector, string Intent)> _examples = [];
    private readonly Dictionary<int, (int Example, double Weight)[]> _postings = [];
    private readonly HashSet<int> _extensionTerms = [];
    private readonly Dictionary<string, int> _terms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouterExtension> _extensions = new(StringComparer.Ordinal);
    private readonly double[] _idf;

    private ExtensionIndex(IReadOnlyList<RouterExtension> extensions)
    {
        var documents = new List<(List<int> Terms, string Intent)>();
        foreach ((IReadOnlyList<string> words, string label) in BuiltIn.Value)
        {
            documents.Add((Terms(words, grow: true), label));
        }

        var directory = new InMemoryAccountDirectory(DemoAccounts.Generate());
        foreach (RouterExtension extension in extensions)
        {
            _extensions[extension.Intent] = extension;
            foreach (string utterance in extension.Utterances)
            {
                documents.Add((Terms(RouterTrainer.MaskForTraining(utterance, directory), grow: true), extension.Intent));
            }
        }

        var df = new int[_terms.Count];
        foreach ((List<int> terms, _) in documents)
        {
            foreach (int t in terms.Distinct())
            {
                df[t]++;
            }
        }

        _idf = df.Select(d => Math.Log((1.0 + documents.Count) / (1.0 + d)) + 1.0).ToArray();
        var postings = new Dictionary<int, List<(int, double)>>();
        foreach ((List<int> terms, string intent) in documents)
        {
            if (Vector(terms) is { Count: > 0 } vector)
            {
                int index = _examples.Count;
                _examples.Add((vector, intent));
                foreach ((int t, double weight) in vector)
                {
                    if (!postings.TryGetValue(t, out List<(int, double)>? list))
                    {
                        postings[t] = list = [];
                    }

                    list.Add((index, weight));
                    if (_extensions.ContainsKey(intent))
                    {
                        _extensionTerms.Add(t);
                    }
                }
            }
        }

        foreach ((int t, List<(int, double)> list) in postings)
        {
            _postings[t] = [.. list];
        }
    }

    /// <summary>The index for these extensions; null when there are none (or none declared an utterance).</summary>
    public static ExtensionIndex? Build(IEnumerable<RouterExtension> extensions)
    {
        List<RouterExtension> list = [.. extensions.Where(e => e.Utterances.Count > 0 && !IntentCatalog.IsIntent(e.Intent))];
        return list.Count == 0 ? null : new ExtensionIndex(list);
    }

    public IReadOnlyCollection<RouterExtension> Extensions => _extensions.Values;

    /// <summary>
    /// The extension whose example is nearest to these masked words, when it is close enough and no built-in example is
    /// much nearer. <paramref name="builtInIsSure"/> is whether the built-in classifier would route the question itself:
    /// when it would not (it would ask which function was meant, or call the question out of scope), a nearer built-in
    /// example protects nothing, and the extension's own match decides.
    /// </summary>
    public (RouterExtension Extension, double Score)? Match(IReadOnlyList<string> maskedWords, bool builtInIsSure = true)
    {
        Dictionary<int, double> query = Vector(Terms(maskedWords, grow: false));

        // Most questions share at most one word with every extension's examples: no match is possible (two shared terms are
        // needed), so nothing is scored. Otherwise a dense pass over the postings, once per query term.
        if (query.Keys.Count(_extensionTerms.Contains) < 2)
        {
            return null;
        }

        double[] scores = System.Buffers.ArrayPool<double>.Shared.Rent(_examples.Count);
        int best = -1;
        double score = 0, builtIn = 0;
        try
        {
            Array.Clear(scores, 0, _examples.Count);
            foreach ((int term, double weight) in query)
            {
                if (_postings.TryGetValue(term, out (int Example, double Weight)[]? examples))
                {
                    foreach ((int e, double w) in examples)
                    {
                        scores[e] += weight * w;
                    }
                }
            }

            // The nearest extension example against the nearest built-in one: the extension may be a little further away
            // (its few examples against the built-in functions' thousands), never much.
            for (int e = 0; e < _examples.Count; e++)
            {
                double s = scores[e];
                if (s <= 0)
                {
                    continue;
                }

                if (_extensions.ContainsKey(_examples[e].Intent))
                {
                    (best, score) = s > score ? (e, s) : (best, score);
                }
                else
                {
                    builtIn = Math.Max(builtIn, s);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(scores);
        }

        if (best < 0 || (builtInIsSure && score + Margin < builtIn))
        {
            return null;
        }

        RouterExtension extension = _extensions[_examples[best].Intent];
        // One shared word ("soon") is not a match, however rare: the example and the question must share two terms.
        int shared = query.Keys.Count(_examples[best].Vector.ContainsKey);
        double needed = extension.HasSideEffects ? SideEffectThreshold : Threshold;
        return score >= needed && shared >= 2 ? (extension, score) : null;
    }

    private List<int> Terms(IEnumerable<string> words, bool grow)
    {
        var terms = new List<int>();
        foreach (string word in words)
        {
            if (!word.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            string stem = Stem(word);
            if (_terms.TryGetValue(stem, out int id))
            {
                terms.Add(id);
            }
            else if (grow)
            {
                _terms[stem] = id = _terms.Count;
                terms.Add(id);
            }
        }

        return terms;
    }

    /// <summary>A unit-length TF-IDF vector (sublinear term frequency).</summary>
    private Dictionary<int, double> Vector(List<int> terms)
    {
        var vector = new Dictionary<int, double>();
        foreach (IGrouping<int, int> group in terms.Where(t => t < _idf.Length).GroupBy(t => t))
        {
            vector[group.Key] = (1.0 + Math.Log(group.Count())) * _idf[group.Key];
        }

        double norm = Math.Sqrt(vector.Values.Sum(v => v * v));
        foreach (int key in vector.Keys.ToList())
        {
            vector[key] /= norm;
        }

        return vector;
    }

    /// <summary>Plural and verb endings folded ("renewals", "renewing", "renewed" → "renew…"), so one example covers its forms.</summary>
    internal static string Stem(string word)
    {
        foreach (string suffix in (string[])["ings", "ing", "als", "al", "ed", "es", "s"])
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }
}
