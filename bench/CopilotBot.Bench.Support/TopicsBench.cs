using System.Diagnostics;
using System.Numerics.Tensors;
using CopilotBot.Memory.Bench.Evaluation;

namespace CopilotBot.Memory.Bench.Support;

/// <summary>
/// Topic discovery on TwACS, whose intents are not the product's topic vocabulary: the 407 labelled conversations and
/// 1,000 unlabelled ones are indexed with no topic, topics are discovered from the sentence vectors, and the clusters of
/// the labelled ones are scored against their intents (normalised mutual information, purity), next to random clusters
/// of the same sizes. Then stability: the same conversations indexed again in another order must give the same names,
/// and 10% more conversations must leave the names of the others as they were.
/// </summary>
internal static class TopicsBench
{
    public static async Task<int> RunAsync(string data)
    {
        List<SupportConversation> all = [.. Twacs.Load(data)];
        List<SupportConversation> labelled = [.. all.Where(c => c.Topic is not null)];
        List<SupportConversation> corpus = [.. labelled, .. all.Where(c => c.Topic is null).Take(1000)];
        var intents = labelled.ToDictionary(c => c.Id, c => c.Topic!);
        List<SupportConversation> untopical = [.. corpus.Select(c => c with { Topic = null })];
        Console.WriteLine($"TwACS: {untopical.Count} conversations with no topic from the vocabulary ({labelled.Count} of them labelled with one of {intents.Values.Distinct().Count()} intents).");

        var embedder = new MiniLmEmbedder();
        // The number of topics against agreement with the intents, on the conversations' vectors as the indexer makes them.
        var chunker = new ConversationChunker();
        var inputs = new List<TopicInput>();
        foreach (SupportConversation c in untopical)
        {
            string[] texts = [.. chunker.Chunk(c).Select(x => ConversationChunker.EmbeddingText(x.Text))];
            if (texts.Length > 0)
            {
                float[][] vectors = await embedder.EmbedAsync(texts);
                float[] mean = new float[vectors[0].Length];
                foreach (float[] v in vectors)
                {
                    TensorPrimitives.Add(mean, v, mean);
                }

                TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
                inputs.Add(new TopicInput(c.Id, mean, string.Join('\n', texts)));
            }
        }

        string[] ids = [.. labelled.Select(c => c.Id)];
        string[] truth = [.. ids.Select(i => intents[i])];
        Console.WriteLine("Topics (k) against the labelled intents (normalised mutual information, purity):");
        foreach (int k in new[] { 2, 4, 8, 12, 16, 20 })
        {
            TopicModel m = TopicDiscovery.Discover(inputs, topicCount: k, maxTopics: 30);
            var byId = inputs.ToDictionary(i => i.Id, i => m.Nearest(i.Vector)!.Name);
            string[] f = [.. ids.Select(i => byId.GetValueOrDefault(i, "none"))];
            Console.WriteLine($"  k={k,2}: NMI {Nmi(truth, f):0.000}, purity {Purity(truth, f):0.000}");
        }

        (ConversationTopics first, TimeSpan elapsed) = await DiscoverAsync(embedder, untopical);
        Console.WriteLine($"Discovered {first.Model.Topics.Count} topics in {elapsed.TotalSeconds:0.0} s (index and discovery):");
        foreach (DiscoveredTopic topic in first.Model.Topics)
        {
            var members = first.Names.Where(n => n.Value == topic.Name).Select(n => n.Key).ToList();
            string top = string.Join(", ", members.Where(intents.ContainsKey).GroupBy(m => intents[m]).OrderByDescending(g => g.Count()).Take(2).Select(g => $"{g.Key} {g.Count()}"));
            Console.WriteLine($"  {topic.Name,-24} {members.Count,5} conversations  words: {string.Join(", ", topic.Terms),-36} labelled intents: {top}");
        }

        string[] found = [.. ids.Select(i => first.Names.GetValueOrDefault(i, "none"))];
        var random = new Random(7);
        string[] shuffled = [.. found.OrderBy(_ => random.Next())];
        Console.WriteLine($"Against the {labelled.Count} labelled intents: NMI {Nmi(truth, found):0.000}, purity {Purity(truth, found):0.000}; random clusters of the same sizes: NMI {Nmi(truth, shuffled):0.000}, purity {Purity(truth, shuffled):0.000}");

        (ConversationTopics reordered, _) = await DiscoverAsync(embedder, [.. untopical.OrderByDescending(c => c.Id, StringComparer.Ordinal)]);
        int same = first.Names.Count(n => reordered.Names.GetValueOrDefault(n.Key) == n.Value);
        Console.WriteLine($"Indexed again in reverse order: {same} of {first.Names.Count} conversations keep their topic's name");

        // Growth: 10% more conversations join the topics there are; 40% more finds topics again, keeping the names of those still there.
        foreach (int cut in new[] { untopical.Count * 10 / 11, untopical.Count * 10 / 14 })
        {
            (ConversationTopics before, _) = await DiscoverAsync(embedder, untopical[..cut]);
            (ConversationTopics after, _) = await DiscoverAsync(embedder, untopical[..cut], untopical[cut..]);
            int kept = before.Names.Count(n => after.Names.GetValueOrDefault(n.Key) == n.Value);
            var names = after.Model.Topics.Select(t => t.Name).ToHashSet();
            Console.WriteLine($"{untopical.Count - cut} more conversations indexed into {cut}: {kept} of {before.Names.Count} keep their topic's name ({(double)kept / before.Names.Count:P1}); " +
                $"{before.Model.Topics.Count(t => names.Contains(t.Name))} of {before.Model.Topics.Count} names are still there, among {after.Model.Topics.Count} topics");
        }
        return 0;
    }

    private static async Task<(ConversationTopics Topics, TimeSpan Elapsed)> DiscoverAsync(ITextEmbedder embedder, IReadOnlyList<SupportConversation> conversations, IReadOnlyList<SupportConversation>? later = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "copilot-topics-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var clock = Stopwatch.StartNew();
            using var store = new Embedded.EmbeddedVectorStore(Path.Combine(folder, "vectors"));
            using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(folder, embedder, store);
            await indexer.IndexAsync(conversations);
            ConversationTopics topics = await indexer.TopicsAsync();
            if (later is not null)
            {
                await indexer.IndexAsync(later);
                topics = await indexer.TopicsAsync();
            }

            return (topics, clock.Elapsed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Purity(string[] truth, string[] found) =>
        found.Select((f, i) => (f, t: truth[i])).GroupBy(p => p.f).Sum(g => g.GroupBy(p => p.t).Max(h => h.Count())) / (double)truth.Length;

    private static double Nmi(string[] truth, string[] found)
    {
        int n = truth.Length;
        double Entropy(string[] labels) => -labels.GroupBy(l => l).Sum(g => g.Count() / (double)n * Math.Log(g.Count() / (double)n));
        var t = truth.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var f = found.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        double mutual = truth.Zip(found).GroupBy(p => p).Sum(g =>
        {
            double pxy = g.Count() / (double)n;
            return pxy * Math.Log(pxy / (t[g.Key.First] / (double)n * (f[g.Key.Second] / (double)n)));
        });
        double h = (Entropy(truth) + Entropy(found)) / 2;
        return h <= 0 ? 0 : mutual / h;
    }
}
