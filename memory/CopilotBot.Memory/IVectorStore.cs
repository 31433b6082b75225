namespace CopilotBot.Memory;

/// <summary>
/// Vectors with chunk payloads, searched by cosine similarity. Implementations: <c>EmbeddedVectorStore</c> (default,
/// a folder on disk) and <c>QdrantVectorStore</c>; both pass the same contract tests.
/// </summary>
/// <remarks>
/// Rules both keep: vectors are normalised on write (cosine = dot product); a vector of the wrong length or with
/// NaN/Infinity throws <see cref="ArgumentException"/> before anything is written; operations on a collection that does
/// not exist throw <see cref="CollectionNotFoundException"/>; upserting an existing id replaces the point.
/// </remarks>
public interface IVectorStore
{
    /// <summary>
    /// Creates the collection if missing (idempotent). Throws <see cref="VectorStoreException"/> when it exists with
    /// another dimension, since its vectors came from another embedder.
    /// </summary>
    Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken cancellationToken = default);

    /// <summary>True when the collection exists.</summary>
    Task<bool> CollectionExistsAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>Deletes the collection and everything in it; no-op when missing.</summary>
    Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces points (sent in batches); returns when they are searchable.</summary>
    Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="limit"/> most similar chunks passing <paramref name="filter"/>, best first.</summary>
    Task<IReadOnlyList<VectorHit>> QueryAsync(
        string collection, float[] vector, int limit, VectorFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes points by id; unknown ids are ignored.</summary>
    Task DeleteAsync(string collection, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every point matching <paramref name="filter"/>. An empty filter throws <see cref="ArgumentException"/>:
    /// wiping a collection must be explicit (<see cref="DeleteCollectionAsync"/>).
    /// </summary>
    Task DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Number of points matching <paramref name="filter"/> (all points when null).</summary>
    Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default);
}
