namespace CopilotBot.Workspace.Storage;

/// <summary>One stored version of a model, without its document: what a listing needs.</summary>
/// <param name="Kind">What the model is for (e.g. <c>churn</c>); each kind has its own version numbers.</param>
/// <param name="Version">1, 2, …, allocated by the database, so no two instances ever hold different models under one number.</param>
/// <param name="CreatedAt">When it was trained.</param>
/// <param name="Summary">A short caller-defined description (e.g. the held-out metrics as JSON), readable without the document.</param>
public sealed record ModelVersion(string Kind, int Version, DateTimeOffset CreatedAt, string Summary);

/// <summary>A version with its document (the serialised model, stored and returned byte for byte).</summary>
public sealed record StoredModel(ModelVersion Info, string Document)
{
    public int Version => Info.Version;
}

/// <summary>A model to store as a new version. The document is written once the number is known, so it can carry it.</summary>
public sealed record NewModel(DateTimeOffset CreatedAt, string Summary, Func<int, string> Document);

/// <summary>
/// Versioned model documents in the workspace database, and which version of each kind is active (the meta key
/// <c>{kind}.active_version</c>). Kept in the database rather than the workspace folder so every instance sharing the
/// database sees the same versions under the same numbers, and a rollback done on one is seen by all.
/// </summary>
public interface IModelStore
{
    /// <summary>The workspace meta key that records the kind's active version (<c>churn.active_version</c>, as before).</summary>
    static string ActiveKey(string kind) => kind + ".active_version";

    /// <summary>The kind's versions, oldest first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListAsync(string kind, CancellationToken cancellationToken = default);

    Task<StoredModel?> GetAsync(string kind, int version, CancellationToken cancellationToken = default);

    /// <summary>The active version as recorded (it may name a version that is not stored, e.g. a lost legacy file).</summary>
    Task<int?> GetActiveVersionAsync(string kind, CancellationToken cancellationToken = default);

    /// <summary>Makes a stored version active; false (and nothing changed) when there is no such version.</summary>
    Task<bool> ActivateAsync(string kind, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the model as the kind's next version (one more than the highest stored, allocated atomically across
    /// instances) and, when <paramref name="activate"/>, makes it active in the same transaction.
    /// </summary>
    Task<ModelVersion> AddAsync(string kind, NewModel model, bool activate, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a model under the version number it already has (a legacy model file); does nothing and returns false when
    /// that version is already stored, so importing the same files again, from any instance, changes nothing.
    /// </summary>
    Task<bool> ImportAsync(string kind, int version, DateTimeOffset createdAt, string summary, string document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the active version when it is stored; otherwise takes the kind's cross-instance lock, checks again
    /// (another instance may have created one meanwhile) and only then calls <paramref name="create"/>, stores the
    /// result as the next version and activates it. However many instances call this at once, <paramref name="create"/>
    /// runs once. The lock is not held while the answer is the existing version.
    /// </summary>
    Task<int> EnsureActiveAsync(string kind, Func<CancellationToken, Task<NewModel>> create, CancellationToken cancellationToken = default);
}
