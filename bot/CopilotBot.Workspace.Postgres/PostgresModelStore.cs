using System.Globalization;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Model versions in the <c>models</c> table, shared by every instance on the database. A version number is allocated
/// under a transaction-level advisory lock per kind (the primary key backs it up), so two instances adding at once get
/// consecutive numbers; creating the first model (<see cref="EnsureActiveAsync"/>) runs under a session-level advisory
/// lock held on its own connection while the model trains, so instances starting together train once.
/// </summary>
public sealed class PostgresModelStore(NpgsqlDataSource db) : IModelStore
{
    public async Task<IReadOnlyList<ModelVersion>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT version, created_at, summary FROM models WHERE kind = @k ORDER BY version").Text("k", kind);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ModelVersion>();
        while (await r.ReadAsync(cancellationToken))
        {
            versions.Add(new ModelVersion(kind, r.GetInt32(0), r.RequiredInstant(1), r.GetString(2)));
        }

        return versions;
    }

    public async Task<StoredModel?> GetAsync(string kind, int version, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT created_at, summary, document FROM models WHERE kind = @k AND version = @v")
            .Text("k", kind).Int("v", version);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken)
            ? new StoredModel(new ModelVersion(kind, version, r.RequiredInstant(0), r.GetString(1)), r.GetString(2))
            : null;
    }

    public async Task<int?> GetActiveVersionAsync(string kind, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        return await ActiveVersionAsync(c, null, kind, cancellationToken);
    }

    public Task<bool> ActivateAsync(string kind, int version, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // Under the kind's lock, so a version being added is either there or not, never half-way.
                await AdvisoryLocks.LockAsync(c, tx, VersionsLock(kind), cancellationToken);
                if (!await ExistsAsync(c, tx, kind, version, cancellationToken))
                {
                    return false;
                }

                await PgUpserts.MetaAsync(c, tx, IModelStore.ActiveKey(kind), version.ToString(CultureInfo.InvariantCulture), cancellationToken);
                return true;
            },
            cancellationToken);

    public Task<ModelVersion> AddAsync(string kind, NewModel model, bool activate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                await AdvisoryLocks.LockAsync(c, tx, VersionsLock(kind), cancellationToken);
                int version;
                await using (NpgsqlCommand next = c.Command("SELECT coalesce(max(version), 0) + 1 FROM models WHERE kind = @k", tx).Text("k", kind))
                {
                    version = Convert.ToInt32(await next.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                }

                await using (NpgsqlCommand insert = c.Command(
                    "INSERT INTO models(kind, version, created_at, summary, document) VALUES(@k, @v, @at, @s, @d)", tx)
                    .Text("k", kind).Int("v", version).Instant("at", model.CreatedAt).Text("s", model.Summary).Text("d", model.Document(version)))
                {
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                if (activate)
                {
                    await PgUpserts.MetaAsync(c, tx, IModelStore.ActiveKey(kind), version.ToString(CultureInfo.InvariantCulture), cancellationToken);
                }

                return new ModelVersion(kind, version, new DateTimeOffset(PgCommands.ToDb(model.CreatedAt)), model.Summary);
            },
            cancellationToken,
            retryUniqueViolation: true);
    }

    public async Task<bool> ImportAsync(string kind, int version, DateTimeOffset createdAt, string summary, string document, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO models(kind, version, created_at, summary, document) VALUES(@k, @v, @at, @s, @d) ON CONFLICT(kind, version) DO NOTHING")
            .Text("k", kind).Int("v", version).Instant("at", createdAt).Text("s", summary).Text("d", document);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> EnsureActiveAsync(string kind, Func<CancellationToken, Task<NewModel>> create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(create);
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        if (await StoredActiveVersionAsync(c, kind, cancellationToken) is { } active)
        {
            return active;
        }

        string key = "model-create:" + kind;
        await AdvisoryLocks.LockSessionAsync(c, key, cancellationToken);
        try
        {
            // READ COMMITTED: this statement sees whatever the previous holder committed before it let go.
            if (await StoredActiveVersionAsync(c, kind, cancellationToken) is { } created)
            {
                return created;
            }

            NewModel model = await create(cancellationToken);
            return (await AddAsync(kind, model, activate: true, cancellationToken)).Version;
        }
        finally
        {
            await AdvisoryLocks.UnlockSessionAsync(c, key);
        }
    }

    private static string VersionsLock(string kind) => "models:" + kind;

    private static async Task<int?> StoredActiveVersionAsync(NpgsqlConnection c, string kind, CancellationToken cancellationToken) =>
        await ActiveVersionAsync(c, null, kind, cancellationToken) is { } v && await ExistsAsync(c, null, kind, v, cancellationToken) ? v : null;

    private static async Task<int?> ActiveVersionAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string kind, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = c.Command("SELECT value FROM meta WHERE key = @k", tx).Text("k", IModelStore.ActiveKey(kind));
        return int.TryParse(await cmd.ExecuteScalarAsync(cancellationToken) as string, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string kind, int version, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = c.Command("SELECT EXISTS(SELECT 1 FROM models WHERE kind = @k AND version = @v)", tx).Text("k", kind).Int("v", version);
        return await cmd.ExecuteScalarAsync(cancellationToken) is true;
    }
}
