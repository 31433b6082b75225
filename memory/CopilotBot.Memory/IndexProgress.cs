namespace CopilotBot.Memory;

/// <summary>Reported after each batch of <see cref="MemoryIndexer.IndexAsync"/>.</summary>
public sealed record IndexProgress(int ConversationsSeen, int ConversationsEmbedded, int ChunksEmbedded, TimeSpan Elapsed);
