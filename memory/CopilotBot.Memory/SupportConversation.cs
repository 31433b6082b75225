namespace CopilotBot.Memory;

/// <summary>A support conversation as it is ingested: the unit the indexer hashes, chunks and embeds.</summary>
/// <param name="Id">Stable id from the source system; re-ingesting the same id replaces the conversation.</param>
/// <param name="AccountId">CRM account the conversation belongs to, when known; the tenant key of every filter.</param>
/// <param name="StartedAt">When the conversation started.</param>
/// <param name="Topic">Topic or intent label, when known.</param>
/// <param name="Sentiment">Sentiment score (e.g. -1..1), when known.</param>
/// <param name="Turns">The messages in order.</param>
public sealed record SupportConversation(
    string Id,
    string? AccountId,
    DateTimeOffset StartedAt,
    string? Topic,
    double? Sentiment,
    IReadOnlyList<ConversationTurn> Turns);
