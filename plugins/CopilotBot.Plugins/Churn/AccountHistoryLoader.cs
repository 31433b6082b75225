using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Churn;

/// <summary>Loads every account's history in four queries (not four per account).</summary>
public sealed class AccountHistoryLoader(IAccountStore accounts, IActivityStore activity, IConversationStore conversations, IDataVersions? versions = null)
{
    /// <summary>
    /// The versions of the tables histories are read from, as one stamp: two loads under the same stamp hold the same
    /// data. Null when that cannot be told (no versions, or a table without one). Read it before the histories.
    /// </summary>
    public Task<string?> StampAsync(CancellationToken cancellationToken) => versions.StampAsync(IDataVersions.HistoryTables, cancellationToken);

    public async Task<IReadOnlyList<AccountHistory>> LoadAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Account> all = await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken);
        ILookup<string, UsageMonth> usage = (await activity.ListUsageAsync(cancellationToken)).ToLookup(u => u.AccountId);
        ILookup<string, Payment> payments = (await activity.ListPaymentsAsync(cancellationToken)).ToLookup(p => p.AccountId);
        ILookup<string, SupportConversation> tickets = (await conversations.ListAsync(null, null, null, cancellationToken))
            .Where(c => c.AccountId is not null).ToLookup(c => c.AccountId!);
        return all.Select(a => new AccountHistory(
            a,
            usage[a.Id].OrderBy(u => u.Month).ToList(),
            payments[a.Id].OrderBy(p => p.DueDate).ToList(),
            tickets[a.Id].ToList())).ToList();
    }

    /// <summary>The histories of some accounts (a few queries each; for a large share of the book, load everything instead).</summary>
    public async Task<IReadOnlyList<AccountHistory>> LoadAsync(IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken)
    {
        var histories = new List<AccountHistory>(accountIds.Count);
        foreach (string id in accountIds.Distinct(StringComparer.Ordinal))
        {
            if (await accounts.GetAsync(id, cancellationToken) is not { } account)
            {
                continue;
            }

            histories.Add(new AccountHistory(
                account,
                (await activity.GetUsageAsync(id, cancellationToken)).OrderBy(u => u.Month).ToList(),
                (await activity.GetPaymentsAsync(id, cancellationToken)).OrderBy(p => p.DueDate).ToList(),
                await conversations.ListAsync(id, null, null, cancellationToken)));
        }

        return histories;
    }
}
