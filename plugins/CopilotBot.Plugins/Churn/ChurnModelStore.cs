using System.Globalization;
using System.Text.RegularExpressions;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// Versioned churn models in the workspace's <c>models/</c> folder (<c>churn-v1.json</c>, <c>churn-v2.json</c>, …);
/// the active version is recorded in the workspace, so rolling back is a pointer change.
/// </summary>
public sealed partial class ChurnModelStore(string workspaceDirectory, IWorkspaceMeta meta)
{
    public const string ActiveKey = "churn.active_version";

    public string Directory { get; } = Path.Combine(workspaceDirectory, "models");

    public IReadOnlyList<int> Versions()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "churn-v*.json")
            .Select(f => FileName().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Order()
            .ToList();
    }

    public async Task<int?> ActiveVersionAsync(CancellationToken cancellationToken) =>
        int.TryParse(await meta.GetAsync(ActiveKey, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;

    public async Task<ChurnModelBundle?> LoadActiveAsync(CancellationToken cancellationToken) =>
        await ActiveVersionAsync(cancellationToken) is { } v && File.Exists(PathOf(v)) ? Load(v) : null;

    public ChurnModelBundle Load(int version)
    {
        string path = PathOf(version);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no churn model version {version} (see `copilot churn models`).", path);
        }

        return ChurnModelBundle.FromJson(File.ReadAllText(path));
    }

    /// <summary>Saves as the next version and makes it active.</summary>
    public async Task<ChurnModelBundle> SaveAsync(ChurnModelBundle bundle, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        int version = (Versions().DefaultIfEmpty(0).Max()) + 1;
        ChurnModelBundle saved = bundle with { Version = version };
        string path = PathOf(version);
        // Write then rename, so a crash never leaves a half-written model that looks valid.
        await File.WriteAllTextAsync(path + ".tmp", saved.ToJson(), cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
        await meta.SetAsync(ActiveKey, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return saved;
    }

    public async Task UseAsync(int version, CancellationToken cancellationToken)
    {
        Load(version); // Refuse a missing or unreadable version before pointing at it.
        await meta.SetAsync(ActiveKey, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    private string PathOf(int version) => Path.Combine(Directory, $"churn-v{version.ToString(CultureInfo.InvariantCulture)}.json");

    [GeneratedRegex(@"^churn-v(\d+)\.json$")]
    private static partial Regex FileName();
}
