namespace CopilotBot.Memory;

/// <summary>A query result: the stored chunk and its cosine similarity to the query.</summary>
public sealed record VectorHit(MemoryChunk Chunk, float Score);
