namespace CopilotBot.Memory;

/// <summary>Which retrievers a search uses.</summary>
public enum RetrievalMode
{
    /// <summary>Vector and BM25 rankings fused by reciprocal rank fusion.</summary>
    Hybrid,

    /// <summary>Vector similarity only.</summary>
    Vector,

    /// <summary>BM25 only.</summary>
    Keyword,
}
