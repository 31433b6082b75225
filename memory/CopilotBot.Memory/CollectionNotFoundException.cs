namespace CopilotBot.Memory;

/// <summary>The collection does not exist; call <see cref="IVectorStore.EnsureCollectionAsync"/> first.</summary>
public sealed class CollectionNotFoundException(string collection, string? detail = null)
    : VectorStoreException($"Vector collection '{collection}' does not exist{(detail is null ? "." : ": " + detail)}", 404)
{
    public string Collection { get; } = collection;
}
