using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>
/// The account store with every account held in memory, valid while the database's version of the accounts table is
/// unchanged. Questions read the accounts on nearly every turn (scope, names, ARR) and a workspace has thousands of them,
/// so reading the table each time was a fifth of a turn's work; checking its version (<see cref="IDataVersions"/>) is one
/// point read, and a cached list is never older than the last committed write, whoever made it. Queries are answered from memory with the providers' own semantics: ids compared and
/// ordered byte by byte, industry compared without ASCII case.
/// </summary>
public sealed class CachedAccountStore(IAccountStore inner, IDataVersions versions) : IAccountStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await CurrentAsync(cancellationToken)).ById.GetValueOrDefault(id);

    public async Task<IReadOnlyList<Account>> ListAsync(AccountQuery query, CancellationToken cancellationToken = default)
    {
        Snapshot snapshot = await CurrentAsync(cancellationToken);
        if (query is { OwnerIds: null, Tier: null, Region: null, Industry: null, Status: null })
        {
            return snapshot.All;
        }

        HashSet<string>? owners = query.OwnerIds is null ? null : new HashSet<string>(query.OwnerIds, StringComparer.Ordinal);
        var list = new List<Account>();
        foreach (Account a in snapshot.All)
        {
            if ((owners is null || (a.OwnerId is not null && owners.Contains(a.OwnerId)))
                && (query.Tier is null || a.Tier == query.Tier)
                && (query.Region is null || a.Region == query.Region)
                && (query.Industry is null || AsciiEqualsIgnoreCase(a.Industry, query.Industry))
                && (query.Status is null || a.Status == query.Status))
            {
                list.Add(a);
            }
        }

        return list;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default) => (await CurrentAsync(cancellationToken)).All.Count;

    public async Task<int> UpsertAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken = default)
    {
        int inserted = await inner.UpsertAsync(accounts, cancellationToken);
        _snapshot = null; // the version moved too; this only spares the next read a comparison
        return inserted;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        // The version first, then the rows: rows read after a newer write than the version saw are labelled older than
        // they are and reloaded once more, never the other way round.
        long? read = await versions.GetAsync("accounts", cancellationToken);
        if (read is not { } current)
        {
            // No version row (a table emptied by hand): nothing can say when a cached list went stale, so read afresh.
            _snapshot = null;
            return Load(await inner.ListAsync(new AccountQuery(Status: null), cancellationToken), 0);
        }

        if (_snapshot is { } s && s.Version == current)
        {
            return s;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } again && again.Version == current)
            {
                return again;
            }

            Snapshot loaded = Load(await inner.ListAsync(new AccountQuery(Status: null), cancellationToken), current);
            _snapshot = loaded;
            return loaded;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Snapshot Load(IReadOnlyList<Account> all, long version)
    {
        var byId = new Dictionary<string, Account>(all.Count, StringComparer.Ordinal);
        foreach (Account a in all)
        {
            byId[a.Id] = a;
        }

        return new Snapshot(version, all.ToList().AsReadOnly(), byId);
    }

    /// <summary>Equal but for the case of ASCII letters, as SQLite's NOCASE and PostgreSQL's lower() under the "C" collation compare.</summary>
    private static bool AsciiEqualsIgnoreCase(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            char x = a[i], y = b[i];
            if (x != y && (!char.IsAsciiLetter(x) || (x | 0x20) != (y | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Snapshot(long Version, IReadOnlyList<Account> All, Dictionary<string, Account> ById);
}
