namespace CopilotBot.Memory;

/// <summary>Payload keys as stored in every vector store (snake_case, as Qdrant filters name them).</summary>
public static class PayloadFields
{
    public const string ConversationId = "conversation_id";
    public const string AccountId = "account_id";
    public const string Timestamp = "timestamp";
    public const string Topic = "topic";
    public const string Sentiment = "sentiment";
    public const string ChunkIndex = "chunk_index";
    public const string Text = "text";
}
