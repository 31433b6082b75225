namespace CopilotBot.Memory;

/// <summary>What one <see cref="MemoryIndexer.IndexAsync"/> call did.</summary>
/// <param name="Seen">Conversations passed in.</param>
/// <param name="Unchanged">Skipped because their content hash had not changed.</param>
/// <param name="Embedded">New or changed conversations, chunked and embedded.</param>
/// <param name="ChunksEmbedded">Chunks embedded and upserted.</param>
/// <param name="ChunksDeleted">Stale chunks removed (a changed conversation that now has fewer chunks).</param>
public sealed record IndexReport(int Seen, int Unchanged, int Embedded, int ChunksEmbedded, int ChunksDeleted, TimeSpan Elapsed);
