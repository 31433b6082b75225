using System.Numerics.Tensors;
using CopilotBot.Memory.Text;

namespace CopilotBot.Memory;

/// <summary>A topic found in the data: a cluster of conversation vectors, named by the words that set it apart.</summary>
/// <param name="Name">What answers call it: its most distinctive word ("delay"), two when another topic has that word.</param>
/// <param name="Terms">Its most distinctive words, best first (up to three).</param>
/// <param name="Centroid">Unit-length mean of its conversations' vectors; new conversations join the nearest centroid.</param>
/// <param name="Size">Conversations in it when it was found.</param>
public sealed record DiscoveredTopic(string Name, IReadOnlyList<string> Terms, float[] Centroid, int Size);

/// <summary>One conversation to cluster: its unit-length vector and the text its topic is named from.</summary>
public sealed record TopicInput(string Id, float[] Vector, string Text);

/// <summary>The topics found and, by conversation id, the name of the topic each conversation is in.</summary>
public sealed record ConversationTopics(TopicModel Model, IReadOnlyDictionary<string, string> Names)
{
    public static readonly ConversationTopics None = new(TopicModel.Empty, new Dictionary<string, string>());
}

/// <summary>The topics found by <see cref="TopicDiscovery.Discover"/>; <see cref="Nearest"/> assigns any conversation to one.</summary>
public sealed class TopicModel(IReadOnlyList<DiscoveredTopic> topics, int basis)
{
    public static readonly TopicModel Empty = new([], 0);

    public IReadOnlyList<DiscoveredTopic> Topics { get; } = topics;

    /// <summary>How many conversations the topics were found among (re-discovery is due when that number has moved a lot).</summary>
    public int Basis { get; } = basis;

    /// <summary>The topic whose centroid is most similar to <paramref name="vector"/> (unit length), or null with no topics.</summary>
    public DiscoveredTopic? Nearest(ReadOnlySpan<float> vector)
    {
        DiscoveredTopic? best = null;
        float bestSimilarity = float.NegativeInfinity;
        foreach (DiscoveredTopic topic in Topics)
        {
            float similarity = TensorPrimitives.Dot(vector, topic.Centroid);
            if (similarity > bestSimilarity)
            {
                (best, bestSimilarity) = (topic, similarity);
            }
        }

        return best;
    }
}

/// <summary>
/// Topics for conversations outside the product's topic vocabulary (an airline's complaints in a software product's
/// workspace): spherical k-means over the conversations' sentence vectors, about √(n/10) topics (4 to 12), each named by the words its conversations use far more than the rest. Deterministic in the data (seeded, in
/// id order), and given the previous topics it keeps their names for the clusters that are still there, so re-indexing
/// does not rename what people have already seen.
/// </summary>
public static class TopicDiscovery
{
    /// <summary>Fewer conversations than this outside the vocabulary are not clustered (there is nothing to find).</summary>
    public const int MinConversations = 20;

    /// <summary>At most this many conversations are clustered (a deterministic sample); all are assigned afterwards.</summary>
    public const int MaxSample = 4000;

    /// <summary>A new cluster whose centroid is at least this similar to a previous topic's takes that topic's name.</summary>
    public const double SameTopicSimilarity = 0.85;

    private const int Seed = 20171001;

    /// <summary>
    /// Words that say nothing about what a conversation is about, left out of topic names (beyond the tokenizer's stop
    /// words, which keep some of them for search): "because 22%" or "trying 9%" would name nothing.
    /// </summary>
    private static readonly HashSet<string> NotATopic = new(StringComparer.Ordinal)
    {
        "because", "after", "before", "again", "still", "even", "now", "only", "one", "two", "get", "got", "getting", "going",
        "go", "make", "made", "know", "need", "want", "wanted", "say", "said", "way", "time", "day", "days", "today",
        "yesterday", "tomorrow", "back", "over", "into", "when", "how", "why", "where", "some", "more", "most", "other",
        "such", "own", "same", "well", "really", "much", "many", "ever", "never", "every", "thing", "things", "someone",
        "anyone", "nothing", "something", "dont", "don", "didn", "cant", "doesn", "isn", "wasn", "won", "does", "trying",
        "try", "tried", "issue", "issues", "problem", "problems", "help", "helped", "like", "see", "look", "let", "take",
        "took", "come", "came", "tell", "told", "use", "used", "new", "good", "bad", "while", "without", "since",
        "yet", "already", "another", "via", "gets", "keep", "keeps", "hour", "hours", "minute", "minutes", "week",
        "weeks", "month", "year", "people", "guys", "everyone", "lol", "amp", "omg", "yes", "okay", "ok",
    };

    /// <summary>Finds topics among <paramref name="items"/>; <see cref="TopicModel.Empty"/> when there are too few.</summary>
    /// <param name="topicCount">A fixed number of topics instead of the chosen one (for measuring the choice).</param>
    public static TopicModel Discover(IReadOnlyList<TopicInput> items, TopicModel? previous = null, int maxTopics = 12, int? topicCount = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count < MinConversations)
        {
            return TopicModel.Empty;
        }

        // Id order, and a sample chosen by a hash of the id: the same conversations give the same topics, whatever order they come in.
        List<TopicInput> ordered = [.. items.OrderBy(i => i.Id, StringComparer.Ordinal)];
        List<TopicInput> sample = ordered.Count <= MaxSample
            ? ordered
            : [.. ordered.OrderBy(i => StableHash(i.Id)).ThenBy(i => i.Id, StringComparer.Ordinal).Take(MaxSample).OrderBy(i => i.Id, StringComparer.Ordinal)];
        float[][] vectors = [.. sample.Select(i => i.Vector)];

        // The number of topics grows with the square root of the conversations, from 4 to maxTopics (12): on TwACS
        // (bench/CopilotBot.Bench.Support topics) agreement with the labelled intents rises to about 12 topics and is
        // flat beyond; silhouette, tried first, is near 0.05 for every k on sentence vectors and chose 2.
        int k = topicCount ?? Math.Clamp((int)Math.Round(Math.Sqrt(sample.Count / 10.0)), Math.Min(4, sample.Count / 5), maxTopics);
        // Found again (the conversations grew or shrank a lot): start from the previous topics, so those still there stay put.
        float[][]? warm = previous is { Topics.Count: > 0 } && previous.Topics[0].Centroid.Length == vectors[0].Length
            ? [.. previous.Topics.Take(k).Select(t => t.Centroid)]
            : null;
        (int[] chosen, float[][] centres) = KMeans(vectors, k, warm);
        (chosen, centres) = DropSmall(vectors, chosen, centres, Math.Max(3, sample.Count / 50));
        List<DiscoveredTopic> topics = Name(sample, chosen, centres);
        return new TopicModel(KeepNames(topics, previous), items.Count);
    }

    /// <summary>
    /// Spherical k-means (cosine): k-means++ seeding from a fixed seed, a few restarts, the tightest kept; or, given
    /// <paramref name="warm"/> centroids, one run from them (more seeded as needed).
    /// </summary>
    private static (int[] Assignment, float[][] Centroids) KMeans(float[][] vectors, int k, float[][]? warm = null)
    {
        (int[], float[][])? best = null;
        double bestScore = double.NegativeInfinity;
        for (int restart = 0; restart < (warm is null ? 3 : 1); restart++)
        {
            var random = new Random(Seed + (31 * k) + restart);
            float[][] centroids = SeedCentroids(vectors, k, random, warm);
            int[] assignment = new int[vectors.Length];
            double score = 0;
            for (int iteration = 0; iteration < 30; iteration++)
            {
                bool moved = false;
                score = 0;
                for (int i = 0; i < vectors.Length; i++)
                {
                    (int nearest, float s) = NearestOf(vectors[i], centroids);
                    score += s;
                    moved |= nearest != assignment[i];
                    assignment[i] = nearest;
                }

                centroids = Centroids(vectors, assignment, k, centroids);
                if (!moved && iteration > 0)
                {
                    break;
                }
            }

            if (score > bestScore)
            {
                (best, bestScore) = ((assignment, centroids), score);
            }
        }

        return best!.Value;
    }

    private static float[][] SeedCentroids(float[][] vectors, int k, Random random, float[][]? warm)
    {
        List<float[]> centroids = warm is { Length: > 0 } ? [.. warm] : [vectors[random.Next(vectors.Length)]];
        double[] distance = new double[vectors.Length];
        while (centroids.Count < k)
        {
            double total = 0;
            for (int i = 0; i < vectors.Length; i++)
            {
                double d = Math.Max(0, 1 - NearestOf(vectors[i], centroids).Similarity);
                distance[i] = d * d;
                total += distance[i];
            }

            if (total <= 0)
            {
                break;
            }

            double pick = random.NextDouble() * total;
            int chosen = 0;
            for (double running = 0; chosen < vectors.Length - 1; chosen++)
            {
                running += distance[chosen];
                if (running >= pick)
                {
                    break;
                }
            }

            centroids.Add(vectors[chosen]);
        }

        return [.. centroids];
    }

    private static (int Index, float Similarity) NearestOf(float[] vector, IReadOnlyList<float[]> centroids)
    {
        int best = 0;
        float bestSimilarity = float.NegativeInfinity;
        for (int c = 0; c < centroids.Count; c++)
        {
            float s = TensorPrimitives.Dot(vector, centroids[c]);
            if (s > bestSimilarity)
            {
                (best, bestSimilarity) = (c, s);
            }
        }

        return (best, bestSimilarity);
    }

    /// <summary>Unit-length means of each cluster; an emptied cluster keeps its old centroid.</summary>
    private static float[][] Centroids(float[][] vectors, int[] assignment, int k, IReadOnlyList<float[]> previous)
    {
        int dimensions = vectors[0].Length;
        float[][] sums = [.. Enumerable.Range(0, k).Select(_ => new float[dimensions])];
        int[] counts = new int[k];
        for (int i = 0; i < vectors.Length; i++)
        {
            TensorPrimitives.Add(sums[assignment[i]], vectors[i], sums[assignment[i]]);
            counts[assignment[i]]++;
        }

        for (int c = 0; c < k; c++)
        {
            float norm = TensorPrimitives.Norm(sums[c]);
            if (counts[c] == 0 || norm <= 0)
            {
                sums[c] = c < previous.Count ? previous[c] : sums[c];
                continue;
            }

            TensorPrimitives.Divide(sums[c], norm, sums[c]);
        }

        return sums;
    }

    /// <summary>Clusters smaller than <paramref name="minSize"/> are dissolved into the nearest of the others.</summary>
    private static (int[] Assignment, float[][] Centroids) DropSmall(float[][] vectors, int[] assignment, float[][] centroids, int minSize)
    {
        int[] sizes = new int[centroids.Length];
        foreach (int a in assignment)
        {
            sizes[a]++;
        }

        int[] kept = [.. Enumerable.Range(0, centroids.Length).Where(c => sizes[c] >= minSize)];
        if (kept.Length == centroids.Length || kept.Length == 0)
        {
            return (assignment, centroids);
        }

        float[][] keptCentroids = [.. kept.Select(c => centroids[c])];
        int[] reassigned = [.. vectors.Select(v => NearestOf(v, keptCentroids).Index)];
        return (reassigned, Centroids(vectors, reassigned, kept.Length, keptCentroids));
    }

    /// <summary>
    /// Each cluster's words, by how much more of its conversations use them than of the rest (smoothed ratio of shares,
    /// times the log of the count); a word must be in at least two of its conversations and a tenth of them.
    /// </summary>
    private static List<DiscoveredTopic> Name(List<TopicInput> sample, int[] assignment, float[][] centroids)
    {
        int k = centroids.Length;
        var documentFrequency = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var surface = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        int[] sizes = new int[k];
        for (int i = 0; i < sample.Count; i++)
        {
            int cluster = assignment[i];
            sizes[cluster]++;
            foreach (IGrouping<string, (string Word, string Stem)> stem in Tokenizer.Words(sample[i].Text).Where(w => w.Stem.Length > 2 && !w.Stem.All(char.IsDigit) && !NotATopic.Contains(w.Word) && !NotATopic.Contains(w.Stem)).GroupBy(w => w.Stem))
            {
                if (!documentFrequency.TryGetValue(stem.Key, out int[]? counts))
                {
                    documentFrequency[stem.Key] = counts = new int[k];
                    surface[stem.Key] = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                counts[cluster]++;
                Dictionary<string, int> forms = surface[stem.Key];
                forms[stem.First().Word] = forms.GetValueOrDefault(stem.First().Word) + 1;
            }
        }

        var terms = new List<string>[k];
        for (int c = 0; c < k; c++)
        {
            int size = sizes[c], rest = sample.Count - size, minCount = Math.Max(2, (int)Math.Ceiling(size * 0.1));
            terms[c] = [.. documentFrequency
                .Where(d => d.Value[c] >= minCount)
                .Select(d =>
                {
                    int inside = d.Value[c], outside = d.Value.Sum() - inside;
                    double lift = ((inside + 0.5) / (size + 1.0)) / ((outside + 0.5) / (rest + 1.0));
                    return (Stem: d.Key, Lift: lift, Score: Math.Log(lift) * Math.Log(1 + inside));
                })
                .Where(t => t.Lift > 1.5)
                .OrderByDescending(t => t.Score)
                .ThenBy(t => t.Stem, StringComparer.Ordinal)
                .Take(3)
                .Select(t => surface[t.Stem].OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First().Key)];
        }

        var topics = new List<DiscoveredTopic>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (int c in Enumerable.Range(0, k).OrderByDescending(c => sizes[c]).ThenBy(c => c))
        {
            // The larger topic keeps the plain word; a smaller one that shares it is named by its first two.
            string name = terms[c].Count == 0 ? "other" : terms[c][0];
            if (!taken.Add(name) && terms[c].Count > 1)
            {
                name = terms[c][0] + " / " + terms[c][1];
                taken.Add(name);
            }

            topics.Add(new DiscoveredTopic(name, terms[c], centroids[c], sizes[c]));
        }

        return topics;
    }

    /// <summary>Clusters that are still there (centroid close to a previous topic's) keep the previous name, best match first.</summary>
    private static List<DiscoveredTopic> KeepNames(List<DiscoveredTopic> topics, TopicModel? previous)
    {
        if (previous is null || previous.Topics.Count == 0)
        {
            return topics;
        }

        var pairs = (from n in Enumerable.Range(0, topics.Count)
                     from p in Enumerable.Range(0, previous.Topics.Count)
                     let s = TensorPrimitives.Dot(topics[n].Centroid, previous.Topics[p].Centroid)
                     where s >= SameTopicSimilarity
                     orderby s descending, n, p
                     select (New: n, Old: p)).ToList();
        var renamed = topics.ToArray();
        var usedNew = new HashSet<int>();
        var usedOld = new HashSet<int>();
        foreach ((int n, int p) in pairs)
        {
            if (!usedNew.Contains(n) && !usedOld.Contains(p))
            {
                usedNew.Add(n);
                usedOld.Add(p);
                renamed[n] = topics[n] with { Name = previous.Topics[p].Name };
            }
        }

        // A new cluster must not take a name a kept one now carries.
        var kept = usedNew.Select(n => renamed[n].Name).ToHashSet(StringComparer.Ordinal);
        for (int n = 0; n < renamed.Length; n++)
        {
            if (!usedNew.Contains(n) && kept.Contains(renamed[n].Name))
            {
                renamed[n] = renamed[n] with { Name = renamed[n].Terms.Count > 1 ? $"{renamed[n].Terms[0]} / {renamed[n].Terms[1]}" : renamed[n].Name + " (new)" };
            }
        }

        return [.. renamed];
    }

    private static ulong StableHash(string id)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        ulong hash = 14695981039346656037;
        foreach (char c in id)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return hash;
    }
}
