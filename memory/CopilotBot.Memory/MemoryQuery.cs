namespace CopilotBot.Memory;

/// <summary>A search over support-conversation memory.</summary>
/// <param name="Text">The question or phrase, in the user's words.</param>
public sealed record MemoryQuery(string Text)
{
    /// <summary>Payload conditions (tenant, time range, topic, exclusions) applied by both retrievers.</summary>
    public VectorFilter? Filter { get; init; }

    /// <summary>Results to return.</summary>
    public int Limit { get; init; } = 5;

    public RetrievalMode Mode { get; init; } = RetrievalMode.Hybrid;

    /// <summary>Keep only the best chunk of each conversation, so evidence comes from distinct conversations.</summary>
    public bool OnePerConversation { get; init; } = true;
}
