using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Versioned churn models (v1, v2, …) in the workspace database, with the active version recorded beside them, so
/// rolling back is a pointer change and every instance sharing the database sees the same models under the same
/// numbers. Workspaces from before kept them as files (<c>models/churn-vN.json</c> in the workspace folder): those are
/// imported under their own numbers the first time the store is used, once; the files are left where they are.
/// </summary>
public sealed partial class ChurnModelStore(IModelStore store, string workspaceDirectory)
{
    /// <summary>The model kind in the store.</summary>
    public const string Kind = "churn";

    /// <summary>The workspace meta key of the active version (unchanged from the file-based store).</summary>
    public const string ActiveKey = "churn.active_version";

    private readonly SemaphoreSlim _importGate = new(1, 1);
    private volatile bool _imported;

    /// <summary>Where workspaces before model versions moved into the database kept them (read only, for the import).</summary>
    public string Directory { get; } = Path.Combine(workspaceDirectory, "models");

    public async Task<IReadOnlyList<int>> VersionsAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).Select(m => m.Version).ToList();

    /// <summary>Every version with its training figures, oldest first; reads no model document.</summary>
    public async Task<IReadOnlyList<ChurnModelInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await ImportedAsync(cancellationToken);
        return (await store.ListAsync(Kind, cancellationToken)).Select(ChurnModelInfo.FromStored).ToList();
    }

    public async Task<int?> ActiveVersionAsync(CancellationToken cancellationToken)
    {
        await ImportedAsync(cancellationToken);
        return await store.GetActiveVersionAsync(Kind, cancellationToken);
    }

    /// <summary>The active model, or null when none is recorded or the recorded version is not stored.</summary>
    public async Task<ChurnModelBundle?> LoadActiveAsync(CancellationToken cancellationToken) =>
        await ActiveVersionAsync(cancellationToken) is { } v && await store.GetAsync(Kind, v, cancellationToken) is { } stored ? Parse(stored) : null;

    public async Task<ChurnModelBundle> LoadAsync(int version, CancellationToken cancellationToken)
    {
        await ImportedAsync(cancellationToken);
        return await store.GetAsync(Kind, version, cancellationToken) is { } stored
            ? Parse(stored)
            : throw new WorkspaceException($"There is no churn model version {version} (see `copilot churn models`).");
    }

    /// <summary>Saves as the next version (numbered by the database) and makes it active, in one transaction.</summary>
    public async Task<ChurnModelBundle> SaveAsync(ChurnModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        await ImportedAsync(cancellationToken);
        ModelVersion added = await store.AddAsync(Kind, ToNewModel(bundle), activate: true, cancellationToken);
        return bundle with { Version = added.Version };
    }

    public async Task UseAsync(int version, CancellationToken cancellationToken)
    {
        await LoadAsync(version, cancellationToken); // Refuse a missing or unreadable version before pointing at it.
        if (!await store.ActivateAsync(Kind, version, cancellationToken))
        {
            throw new WorkspaceException($"There is no churn model version {version} (see `copilot churn models`).");
        }
    }

    /// <summary>
    /// The active model; when there is none, <paramref name="train"/> makes one and it is saved as the next version and
    /// activated. Across every instance on the database only one trains: the others wait for it and load its model.
    /// </summary>
    public async Task<ChurnModelBundle> EnsureActiveAsync(Func<CancellationToken, Task<ChurnModelBundle>> train, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        await ImportedAsync(cancellationToken);
        ChurnModelBundle? trained = null;
        int version = await store.EnsureActiveAsync(
            Kind,
            async ct =>
            {
                trained = await train(ct);
                return ToNewModel(trained);
            },
            cancellationToken);
        // This caller trained: EnsureActiveAsync stored that model as `version`. Otherwise another instance's is active.
        return trained is not null ? trained with { Version = version } : await LoadAsync(version, cancellationToken);
    }

    /// <summary>
    /// Imports <c>models/churn-vN.json</c> files whose version the database does not hold yet, under their own numbers
    /// (so the recorded active version keeps pointing at the same model); returns how many. Idempotent, and safe when
    /// several instances do it at once: a version already stored is left as it is. Unreadable files are skipped (they
    /// could not have been loaded either).
    /// </summary>
    public async Task<int> ImportLegacyFilesAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        var stored = (await store.ListAsync(Kind, cancellationToken)).Select(m => m.Version).ToHashSet();
        int imported = 0;
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "churn-v*.json"))
        {
            Match name = FileName().Match(Path.GetFileName(file));
            if (!name.Success || !int.TryParse(name.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || stored.Contains(version))
            {
                continue;
            }

            string json = await File.ReadAllTextAsync(file, cancellationToken);
            ChurnModelBundle bundle;
            try
            {
                bundle = ChurnModelBundle.FromJson(json);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A truncated or foreign file (FromJson fails in several ways on those) is no model to import.
                continue;
            }

            if (await store.ImportAsync(Kind, version, bundle.TrainedAt, Summary(bundle), json, cancellationToken))
            {
                imported++;
            }
        }

        return imported;
    }

    private async Task ImportedAsync(CancellationToken cancellationToken)
    {
        if (_imported)
        {
            return;
        }

        await _importGate.WaitAsync(cancellationToken);
        try
        {
            if (!_imported)
            {
                await ImportLegacyFilesAsync(cancellationToken);
                _imported = true;
            }
        }
        finally
        {
            _importGate.Release();
        }
    }

    /// <summary>The row's number is the version (a document always carries it too, but the database allocated it).</summary>
    private static ChurnModelBundle Parse(StoredModel stored) => ChurnModelBundle.FromJson(stored.Document) with { Version = stored.Version };

    private static NewModel ToNewModel(ChurnModelBundle bundle) =>
        new(bundle.TrainedAt, Summary(bundle), version => (bundle with { Version = version }).ToJson());

    private static string Summary(ChurnModelBundle bundle) => new JsonObject
    {
        ["as_of"] = bundle.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["metrics"] = JsonSerializer.SerializeToNode(bundle.Metrics, ChurnModelMetrics.Json),
    }.ToJsonString();

    [GeneratedRegex(@"^churn-v(\d+)\.json$")]
    private static partial Regex FileName();
}
