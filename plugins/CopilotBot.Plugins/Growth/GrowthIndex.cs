using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// A <see cref="GrowthData"/> grouped by account once (each account's usage, subscriptions, feature usage, first uses
/// and conversations in date order), so computing one account's features reads only that account's rows. Build it once
/// per data load and score as many accounts from it as needed.
/// </summary>
public sealed class GrowthIndex
{
    private readonly Dictionary<string, AccountGrowth> _accounts;

    private GrowthIndex(GrowthData data, Dictionary<string, AccountGrowth> accounts)
    {
        Data = data;
        _accounts = accounts;
    }

    /// <summary>The data the index was built from.</summary>
    public GrowthData Data { get; }

    /// <summary>Every account, in the data's order.</summary>
    public IEnumerable<string> AccountIds => Data.Accounts.Select(a => a.Id);

    /// <summary>Groups the data by account.</summary>
    public static GrowthIndex Build(GrowthData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var accounts = new Dictionary<string, AccountGrowth>(StringComparer.Ordinal);
        foreach (Account a in data.Accounts)
        {
            accounts.TryAdd(a.Id, new AccountGrowth(a));
        }

        foreach (UsageMonth u in data.Usage)
        {
            if (accounts.TryGetValue(u.AccountId, out AccountGrowth? g))
            {
                g.Usage.Add(u);
            }
        }

        foreach (SubscriptionChange s in data.Subscriptions)
        {
            if (accounts.TryGetValue(s.AccountId, out AccountGrowth? g))
            {
                g.Subscriptions.Add(s);
            }
        }

        foreach (FeatureUsageMonth f in data.FeatureUsage)
        {
            if (accounts.TryGetValue(f.AccountId, out AccountGrowth? g))
            {
                g.FeatureUsage.Add(f);
            }
        }

        foreach (FeatureFirstUse f in data.FirstUses)
        {
            if (accounts.TryGetValue(f.AccountId, out AccountGrowth? g))
            {
                g.FirstUses.Add(f);
            }
        }

        foreach (SupportConversation c in data.Conversations)
        {
            if (c.AccountId is { } id && accounts.TryGetValue(id, out AccountGrowth? g))
            {
                g.Conversations.Add(c);
            }
        }

        foreach (AccountGrowth g in accounts.Values)
        {
            g.Seal();
        }

        return new GrowthIndex(data, accounts);
    }

    /// <summary>One account's rows, or null when the data has no such account.</summary>
    internal AccountGrowth? Account(string accountId) => _accounts.GetValueOrDefault(accountId);

    internal IEnumerable<AccountGrowth> All => Data.Accounts.Select(a => _accounts[a.Id]).Distinct();
}

/// <summary>One account's growth rows in date order.</summary>
internal sealed class AccountGrowth(Account account)
{
    public Account Account { get; } = account;

    public List<UsageMonth> Usage { get; } = [];

    public List<SubscriptionChange> Subscriptions { get; } = [];

    public List<FeatureUsageMonth> FeatureUsage { get; } = [];

    public List<FeatureFirstUse> FirstUses { get; } = [];

    public List<SupportConversation> Conversations { get; } = [];

    /// <summary>Every subscription change with what it did (<see cref="SubscriptionHistory.Moves"/>).</summary>
    public IReadOnlyList<(SubscriptionChange Change, SubscriptionMove Move, decimal ArrDelta)> Moves { get; private set; } = [];

    /// <summary>When the account became a customer: its signup date, else its first subscription, else its first usage month.</summary>
    public DateOnly? Start { get; private set; }

    public void Seal()
    {
        Usage.Sort((x, y) => x.Month.CompareTo(y.Month));
        Subscriptions.Sort((x, y) => x.On != y.On ? x.On.CompareTo(y.On) : string.CompareOrdinal(x.Id, y.Id));
        FeatureUsage.Sort((x, y) => x.Month.CompareTo(y.Month));
        Conversations.Sort((x, y) => x.StartedAt.CompareTo(y.StartedAt));
        Moves = SubscriptionHistory.Moves(Subscriptions);
        Start = Account.SignupDate
            ?? (Subscriptions.Count > 0 ? Subscriptions[0].On : Usage.Count > 0 ? Usage[0].Month : null);
    }

    /// <summary>A customer on the day: started by then and not churned by then.</summary>
    public bool IsActiveOn(DateOnly day) =>
        (Start is null || Start <= day)
        && (Account.ChurnedOn is { } churned ? churned > day : Account.Status == AccountStatus.Active);
}
