using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class AccountStoreContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task UpsertAsync_CountsOnlyNewKeys_WhenSomeExist()
    {
        int first = await Stores.Accounts.UpsertAsync([Samples.Account("P2"), Samples.Account("P1")]);

        int second = await Stores.Accounts.UpsertAsync([Samples.Account("P1") with { Name = "Renamed" }, Samples.Account("P3")]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(3, await Stores.Accounts.CountAsync());
        Assert.Equal("Renamed", (await Stores.Accounts.GetAsync("P1"))!.Name);
    }

    [StoreFact]
    public async Task UpsertAsync_KeepsTheLastRowAndCountsOnce_WhenAKeyRepeatsInOneBatch()
    {
        int inserted = await Stores.Accounts.UpsertAsync([Samples.Account("P1"), Samples.Account("P1") with { Arr = 5m }]);

        Assert.Equal(1, inserted);
        Assert.Equal(5m, (await Stores.Accounts.GetAsync("P1"))!.Arr);
    }

    [StoreFact]
    public async Task GetAsync_RoundTripsEveryField_IncludingNullsUnicodeAndDecimals()
    {
        Account full = new("P1", "Zoë Ångström — 株式会社 🚀", Tier.Platinum, 1_234_567.89m, Region.APAC, "Health & Life", "csm.one",
            new DateOnly(2026, 2, 28), new DateOnly(1999, 12, 31), 12_000, AccountStatus.Churned, new DateOnly(2026, 11, 1));
        Account sparse = new("P2", "Sparse", Tier.Bronze, 0m, Region.LATAM, "Unknown", null, null, null, null);
        Account extremes = new("P3", "Extremes", Tier.Silver, 0.01m, Region.NA, "x", null, DateOnly.MinValue, DateOnly.MaxValue, 0);
        await Stores.Accounts.UpsertAsync([full, sparse, extremes]);

        Assert.Equal(full, await Stores.Accounts.GetAsync("P1"));
        Assert.Equal(sparse, await Stores.Accounts.GetAsync("P2"));
        Assert.Equal(extremes, await Stores.Accounts.GetAsync("P3"));
        Assert.Null(await Stores.Accounts.GetAsync("P4"));
    }

    [StoreFact]
    public async Task ListAsync_FiltersAndOrdersById_WhenQueryHasFilters()
    {
        await Stores.Accounts.UpsertAsync(
        [
            Samples.Account("P3", owner: "csm.two", tier: Tier.Platinum),
            Samples.Account("P1", owner: "csm.one", tier: Tier.Platinum, region: Region.NA),
            Samples.Account("P2", owner: "csm.one", status: AccountStatus.Churned),
            Samples.Account("P10", owner: null) with { Industry = "Retail" },
        ]);

        IReadOnlyList<Account> active = await Stores.Accounts.ListAsync(new AccountQuery());
        IReadOnlyList<Account> all = await Stores.Accounts.ListAsync(new AccountQuery(Status: null));
        IReadOnlyList<Account> owned = await Stores.Accounts.ListAsync(new AccountQuery(OwnerIds: ["csm.one", "csm.two"], Status: null));
        IReadOnlyList<Account> none = await Stores.Accounts.ListAsync(new AccountQuery(OwnerIds: []));
        IReadOnlyList<Account> platinumEmea = await Stores.Accounts.ListAsync(new AccountQuery(Tier: Tier.Platinum, Region: Region.EMEA));
        IReadOnlyList<Account> retail = await Stores.Accounts.ListAsync(new AccountQuery(Industry: "RETAIL"));
        IReadOnlyList<Account> churned = await Stores.Accounts.ListAsync(new AccountQuery(Status: AccountStatus.Churned));

        Assert.Equal(["P1", "P10", "P3"], active.Select(a => a.Id));
        Assert.Equal(["P1", "P10", "P2", "P3"], all.Select(a => a.Id));
        Assert.Equal(["P1", "P2", "P3"], owned.Select(a => a.Id));
        Assert.Empty(none);
        Assert.Equal(["P3"], platinumEmea.Select(a => a.Id));
        Assert.Equal(["P10"], retail.Select(a => a.Id));
        Assert.Equal(["P2"], churned.Select(a => a.Id));
    }

    [StoreFact]
    public async Task Reads_SeeEveryCommittedWrite_AtOnce_WhoeverWroteIt()
    {
        // Accounts are held in memory between writes (CachedAccountStore); a write by another instance, by a bulk import or
        // by hand in SQL must show in the very next read, never a cached list from before it.
        await Stores.Accounts.UpsertAsync([Samples.Account("P1", owner: "csm.one")]);
        IReadOnlyList<Account> first = await Stores.Accounts.ListAsync(new AccountQuery(Status: null));
        IWorkspaceStores other = await OpenInstanceAsync();

        await other.Accounts.UpsertAsync([Samples.Account("P1", owner: "csm.two") with { Name = "Renamed" }, Samples.Account("P2", owner: "csm.one")]);
        IReadOnlyList<Account> afterOther = await Stores.Accounts.ListAsync(new AccountQuery(OwnerIds: ["csm.one"], Status: null));
        Account? renamed = await Stores.Accounts.GetAsync("P1");
        await other.WriteAsync(new WorkspaceBatch { Accounts = [Samples.Account("P3", owner: "csm.one")] });
        int afterBatch = await Stores.Accounts.CountAsync();
        await Provider.ExecuteAsync("UPDATE accounts SET name = 'By hand' WHERE id = 'P2'");
        Account? byHand = await Stores.Accounts.GetAsync("P2");

        Assert.Equal(["P1"], first.Select(a => a.Id));
        Assert.Equal(["P2"], afterOther.Select(a => a.Id));
        Assert.Equal(("Renamed", "csm.two"), (renamed!.Name, renamed.OwnerId));
        Assert.Equal(3, afterBatch);
        Assert.Equal("By hand", byHand!.Name);
    }

    [StoreFact]
    public async Task ListAsync_ComparesIndustryWithoutAsciiCase_AndOrdersIdsByteByByte()
    {
        await Stores.Accounts.UpsertAsync(
        [
            Samples.Account("a1") with { Industry = "Santé" },
            Samples.Account("P2") with { Industry = "santé" },
            Samples.Account("P10") with { Industry = "RETAIL" },
        ]);

        IReadOnlyList<Account> all = await Stores.Accounts.ListAsync(new AccountQuery());
        IReadOnlyList<Account> sante = await Stores.Accounts.ListAsync(new AccountQuery(Industry: "SANTé"));
        IReadOnlyList<Account> accented = await Stores.Accounts.ListAsync(new AccountQuery(Industry: "SANTÉ"));
        IReadOnlyList<Account> retail = await Stores.Accounts.ListAsync(new AccountQuery(Industry: "retail"));

        Assert.Equal(["P10", "P2", "a1"], all.Select(a => a.Id));
        Assert.Equal(["P2", "a1"], sante.Select(a => a.Id));
        Assert.Empty(accented); // only ASCII letters fold, in both databases
        Assert.Equal(["P10"], retail.Select(a => a.Id));
    }

    [StoreFact]
    public async Task CountAsync_IsZero_WhenEmpty()
    {
        Assert.Equal(0, await Stores.Accounts.CountAsync());
    }
}
