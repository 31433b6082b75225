namespace CopilotBot.Memory;

/// <summary>
/// A searchable piece of one conversation with its payload. <see cref="Id"/> is derived from the conversation id and
/// <see cref="ChunkIndex"/> (see <see cref="ConversationChunker.ChunkId"/>), so re-ingesting overwrites instead of duplicating.
/// </summary>
/// <param name="Timestamp">Conversation start as unix seconds (what payload range filters compare).</param>
public sealed record MemoryChunk(
    Guid Id,
    string ConversationId,
    string? AccountId,
    long Timestamp,
    string? Topic,
    double? Sentiment,
    int ChunkIndex,
    string Text)
{
    public DateTimeOffset StartedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
