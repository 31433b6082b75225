namespace CopilotBot.Memory;

/// <summary>A chunk and its vector, as written to a vector store (the chunk id is the point id).</summary>
public sealed record VectorRecord(MemoryChunk Chunk, float[] Vector);
