using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>
/// Model versions in the <c>models</c> table. Numbers are allocated inside a <c>BEGIN IMMEDIATE</c> transaction, so two
/// store sets (processes) on the file never take the same one. The creation lock of <see cref="EnsureActiveAsync"/> is
/// an exclusive OS lock on a file beside the database rather than a database transaction: training takes seconds, and
/// holding SQLite's write lock that long would stall every other writer (and fail them after the busy timeout).
/// </summary>
public sealed class SqliteModelStore(SqliteDb db) : IModelStore
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(100);

    public Task<IReadOnlyList<ModelVersion>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT version, created_at, summary FROM models WHERE kind = $k ORDER BY version").With("$k", kind);
        using SqliteDataReader r = cmd.ExecuteReader();
        var versions = new List<ModelVersion>();
        while (r.Read())
        {
            versions.Add(new ModelVersion(kind, r.GetInt32(0), r.Instant(1)!.Value, r.GetString(2)));
        }

        return Task.FromResult<IReadOnlyList<ModelVersion>>(versions);
    }

    public Task<StoredModel?> GetAsync(string kind, int version, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT created_at, summary, document FROM models WHERE kind = $k AND version = $v")
            .With("$k", kind).With("$v", version);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read()
            ? new StoredModel(new ModelVersion(kind, version, r.Instant(0)!.Value, r.GetString(1)), r.GetString(2))
            : null);
    }

    public Task<int?> GetActiveVersionAsync(string kind, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        return Task.FromResult(ActiveVersion(c, null, kind));
    }

    public Task<bool> ActivateAsync(string kind, int version, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        return Task.FromResult(c.Immediate(() =>
        {
            if (!Exists(c, kind, version))
            {
                return false;
            }

            SetActive(c, kind, version);
            return true;
        }));
    }

    public Task<ModelVersion> AddAsync(string kind, NewModel model, bool activate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using SqliteConnection c = db.Open();
        return Task.FromResult(c.Immediate(() =>
        {
            int version;
            using (SqliteCommand next = c.Command("SELECT coalesce(max(version), 0) + 1 FROM models WHERE kind = $k").With("$k", kind))
            {
                version = Convert.ToInt32(next.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            Insert(c, kind, version, model.CreatedAt, model.Summary, model.Document(version));
            if (activate)
            {
                SetActive(c, kind, version);
            }

            return new ModelVersion(kind, version, Truncated(model.CreatedAt), model.Summary);
        }));
    }

    public Task<bool> ImportAsync(string kind, int version, DateTimeOffset createdAt, string summary, string document, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO models(kind, version, created_at, summary, document) VALUES($k, $v, $at, $s, $d) ON CONFLICT(kind, version) DO NOTHING")
            .With("$k", kind).With("$v", version).With("$at", createdAt.Db()).With("$s", summary).With("$d", document);
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public async Task<int> EnsureActiveAsync(string kind, Func<CancellationToken, Task<NewModel>> create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (StoredActiveVersion(kind) is { } active)
        {
            return active;
        }

        using FileStream held = await LockAsync(kind, cancellationToken);
        if (StoredActiveVersion(kind) is { } created)
        {
            return created; // Another instance (or caller) created it while this one waited for the lock.
        }

        NewModel model = await create(cancellationToken);
        return (await AddAsync(kind, model, activate: true, cancellationToken)).Version;
    }

    private int? StoredActiveVersion(string kind)
    {
        using SqliteConnection c = db.Open();
        return ActiveVersion(c, null, kind) is { } v && Exists(c, kind, v) ? v : null;
    }

    /// <summary>
    /// An exclusive lock on <c>copilot.db.{kind}-model.lock</c>: .NET takes it with <c>flock</c> on Unix (a share lock
    /// on Windows), which every process opening the same database file sees, and the OS drops it if the process dies.
    /// </summary>
    private async Task<FileStream> LockAsync(string kind, CancellationToken cancellationToken)
    {
        string path = db.Path + "." + string.Concat(kind.Where(char.IsAsciiLetterOrDigit)) + "-model.lock";
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(LockPoll, cancellationToken);
            }
        }
    }

    private static int? ActiveVersion(SqliteConnection c, SqliteTransaction? tx, string kind)
    {
        using SqliteCommand cmd = c.Command("SELECT value FROM meta WHERE key = $k", tx).With("$k", IModelStore.ActiveKey(kind));
        return int.TryParse(cmd.ExecuteScalar() as string, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;
    }

    private static bool Exists(SqliteConnection c, string kind, int version)
    {
        using SqliteCommand cmd = c.Command("SELECT EXISTS(SELECT 1 FROM models WHERE kind = $k AND version = $v)").With("$k", kind).With("$v", version);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }

    private static void Insert(SqliteConnection c, string kind, int version, DateTimeOffset createdAt, string summary, string document)
    {
        using SqliteCommand cmd = c.Command("INSERT INTO models(kind, version, created_at, summary, document) VALUES($k, $v, $at, $s, $d)")
            .With("$k", kind).With("$v", version).With("$at", createdAt.Db()).With("$s", summary).With("$d", document);
        cmd.ExecuteNonQuery();
    }

    private static void SetActive(SqliteConnection c, string kind, int version)
    {
        using SqliteCommand cmd = c.Command("INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .With("$k", IModelStore.ActiveKey(kind)).With("$v", version.ToString(CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>What reading the row back gives: the workspace stores instants at whole seconds.</summary>
    private static DateTimeOffset Truncated(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
