namespace CopilotBot.Memory.Bench.Evaluation;

/// <summary>Mean precision@k of each retriever, plus a random baseline.</summary>
public sealed record RetrievalScores(int Queries, double Hybrid, double Vector, double Keyword, double Random);

/// <summary>
/// Intent retrieval on TwACS: for each labelled conversation, search with its first customer turn among the other
/// labelled conversations (topic filter, the conversation itself excluded) and count how many of the top k share its
/// intent. The random baseline draws k other labelled conversations uniformly.
/// </summary>
public static class RetrievalEvaluator
{
    public static async Task<RetrievalScores> EvaluateAsync(
        HybridSearch search, IReadOnlyList<SupportConversation> labelled, int k = 5, int seed = 7, CancellationToken cancellationToken = default)
    {
        double hybrid = 0, vector = 0, keyword = 0, random = 0;
        var rng = new Random(seed);
        foreach (SupportConversation conversation in labelled)
        {
            var filter = new VectorFilter { Topics = Twacs.Intents, ExcludeConversationIds = [conversation.Id] };
            string text = Twacs.FirstCustomerTurn(conversation);
            hybrid += await PrecisionAsync(RetrievalMode.Hybrid);
            vector += await PrecisionAsync(RetrievalMode.Vector);
            keyword += await PrecisionAsync(RetrievalMode.Keyword);
            SupportConversation[] others = [.. labelled.Where(c => c.Id != conversation.Id)];
            random += rng.GetItems(others, k).Count(c => c.Topic == conversation.Topic) / (double)k;

            async Task<double> PrecisionAsync(RetrievalMode mode)
            {
                var query = new MemoryQuery(text) { Filter = filter, Limit = k, Mode = mode };
                IReadOnlyList<MemorySearchResult> results = await search.SearchAsync(query, cancellationToken);
                // Fewer than k results count as misses: a retriever that finds nothing scores 0.
                return results.Count(r => r.Topic == conversation.Topic) / (double)k;
            }
        }

        int n = Math.Max(1, labelled.Count);
        return new RetrievalScores(labelled.Count, hybrid / n, vector / n, keyword / n, random / n);
    }
}
