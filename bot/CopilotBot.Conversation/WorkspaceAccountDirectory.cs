using CopilotBot.Routing;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Conversation;

/// <summary>
/// The router's view of the workspace's accounts: a name index rebuilt when the number of accounts changes
/// (imports add accounts; names rarely change in place).
/// </summary>
public sealed class WorkspaceAccountDirectory(IAccountStore accounts)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (int Count, AccountNameIndex Index, Dictionary<string, Account> ById)? _current;

    public async Task<(AccountNameIndex Index, IReadOnlyDictionary<string, Account> ById)> GetAsync(CancellationToken cancellationToken)
    {
        int count = await accounts.CountAsync(cancellationToken);
        if (_current is { } c && c.Count == count)
        {
            return (c.Index, c.ById);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.Count == count)
            {
                return (again.Index, again.ById);
            }

            IReadOnlyList<Account> all = await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken);
            var index = new AccountNameIndex(all.Select(a => new AccountRef(a.Id, a.Name)));
            _current = (all.Count, index, all.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase));
            return (index, _current.Value.ById);
        }
        finally
        {
            _gate.Release();
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (AccountNameIndex Global, AccountNameIndex Index)> _scoped = new(StringComparer.Ordinal);

    /// <summary>
    /// The name index over the accounts a scoped caller may see (a CSM's book, a manager's team), built once per scope and
    /// per rebuild of the whole index: a word shared by many names across the portfolio ("Aurora") is distinctive in one
    /// book, so "why is aurora red?" resolves when only Aurora Manufacturing is in it.
    /// </summary>
    public AccountNameIndex? ScopedIndex(AccountNameIndex global, IReadOnlyDictionary<string, Account> byId, Functions.AccessScope scope)
    {
        if (scope.OwnerIds is null)
        {
            return null;
        }

        string key = string.Join('\n', scope.OwnerIds.Order(StringComparer.Ordinal));
        if (_scoped.TryGetValue(key, out var cached) && ReferenceEquals(cached.Global, global))
        {
            return cached.Index;
        }

        var index = new AccountNameIndex(byId.Values.Where(scope.Allows).OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => new AccountRef(a.Id, a.Name)));
        if (_scoped.Count > 1000)
        {
            _scoped.Clear();
        }

        _scoped[key] = (global, index);
        return index;
    }

    /// <summary>
    /// A directory for one caller: ids resolve for any account (so the authorization filter can say "no access"), but an
    /// account outside the caller's scope resolves without its name (the id stands in), so no question, task title or
    /// remembered account ever carries it; names only match accounts the caller may see, so a name outside the scope
    /// reads as a name that matches nothing.
    /// </summary>
    public sealed class Scoped(AccountNameIndex index, IReadOnlyDictionary<string, Account> byId, Functions.AccessScope scope, AccountNameIndex? visibleIndex = null) : IAccountDirectory
    {
        public AccountRef? FindById(string id) => index.FindById(id) switch
        {
            null => null,
            { } found when scope.OwnerIds is null || (byId.TryGetValue(found.Id, out Account? a) && scope.Allows(a)) => found,
            { } hidden => new AccountRef(hidden.Id, hidden.Id),
        };

        public IReadOnlyList<AccountMatch> FindByName(string text, int max) => visibleIndex is not null
            ? visibleIndex.Find(text, max)
            : index.Find(text, scope.OwnerIds is null ? max : max * 4)
                .Where(m => scope.OwnerIds is null || (byId.TryGetValue(m.Account.Id, out Account? a) && scope.Allows(a)))
                .Take(max)
                .ToList();
    }
}
