namespace CopilotBot.Memory;

/// <summary>One search result: the chunk, its payload, its fused score and which retrievers found it.</summary>
/// <param name="Score">Reciprocal-rank-fusion score (sum of 1 / (60 + rank)); higher is better.</param>
/// <param name="VectorRank">1-based rank in the vector list, or null when the vector retriever did not return it.</param>
/// <param name="KeywordRank">1-based rank in the BM25 list, or null.</param>
/// <param name="Similarity">Cosine similarity of the chunk to the query when the vector retriever returned it.</param>
public sealed record MemorySearchResult(
    Guid ChunkId,
    string ConversationId,
    string? AccountId,
    DateTimeOffset Timestamp,
    string? Topic,
    double? Sentiment,
    string Text,
    double Score,
    Retrievers FoundBy,
    int? VectorRank,
    int? KeywordRank,
    double? Similarity = null);
