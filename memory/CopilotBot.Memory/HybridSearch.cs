namespace CopilotBot.Memory;

/// <summary>
/// Hybrid retrieval: the vector store and the BM25 index each rank candidates under the same filter, and the two
/// rankings are fused by reciprocal rank fusion, <c>score = Σ 1 / (k + rank)</c> with k = 60. RRF needs no score
/// calibration between cosine and BM25, which live on unrelated scales.
/// </summary>
public sealed class HybridSearch(ITextEmbedder embedder, IVectorStore store, string collection, Bm25Index keywords)
{
    /// <summary>The RRF constant from Cormack et al. (2009); it damps the influence of the very top ranks.</summary>
    public const int RrfK = 60;

    /// <summary>Candidates taken from each retriever before fusion (at least 4× the limit).</summary>
    public int CandidateDepth { get; init; } = 50;

    public async Task<IReadOnlyList<MemorySearchResult>> SearchAsync(MemoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (string.IsNullOrWhiteSpace(query.Text) || query.Filter?.MatchesNothing == true)
        {
            return [];
        }

        int depth = Math.Max(CandidateDepth, query.Limit * 4);
        var fused = new Dictionary<Guid, Candidate>();
        if (query.Mode != RetrievalMode.Keyword)
        {
            float[][] vectors = await embedder.EmbedAsync([query.Text], cancellationToken);
            IReadOnlyList<VectorHit> hits = await store.QueryAsync(collection, vectors[0], depth, query.Filter, cancellationToken);
            Add(fused, hits.Select(h => h.Chunk), Retrievers.Vector);
        }

        if (query.Mode != RetrievalMode.Vector)
        {
            Add(fused, keywords.Search(query.Text, depth, query.Filter).Select(h => h.Chunk), Retrievers.Keyword);
        }

        IEnumerable<Candidate> ranked = fused.Values
            .OrderByDescending(c => c.Score)
            .ThenBy(c => Math.Min(c.VectorRank ?? int.MaxValue, c.KeywordRank ?? int.MaxValue))
            .ThenBy(c => c.Chunk.Id);
        if (query.OnePerConversation)
        {
            ranked = ranked.DistinctBy(c => c.Chunk.ConversationId);
        }

        return [.. ranked.Take(query.Limit).Select(c => new MemorySearchResult(
            c.Chunk.Id,
            c.Chunk.ConversationId,
            c.Chunk.AccountId,
            c.Chunk.StartedAt,
            c.Chunk.Topic,
            c.Chunk.Sentiment,
            c.Chunk.Text,
            c.Score,
            c.FoundBy,
            c.VectorRank,
            c.KeywordRank))];
    }

    private static void Add(Dictionary<Guid, Candidate> fused, IEnumerable<MemoryChunk> ranking, Retrievers retriever)
    {
        int rank = 0;
        foreach (MemoryChunk chunk in ranking)
        {
            rank++;
            if (!fused.TryGetValue(chunk.Id, out Candidate? candidate))
            {
                candidate = new Candidate(chunk);
                fused[chunk.Id] = candidate;
            }

            candidate.Score += 1.0 / (RrfK + rank);
            candidate.FoundBy |= retriever;
            if (retriever == Retrievers.Vector)
            {
                candidate.VectorRank = rank;
            }
            else
            {
                candidate.KeywordRank = rank;
            }
        }
    }

    private sealed class Candidate(MemoryChunk chunk)
    {
        public MemoryChunk Chunk { get; } = chunk;

        public double Score { get; set; }

        public Retrievers FoundBy { get; set; }

        public int? VectorRank { get; set; }

        public int? KeywordRank { get; set; }
    }
}
