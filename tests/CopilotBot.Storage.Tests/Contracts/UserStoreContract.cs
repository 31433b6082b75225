using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class UserStoreContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task UpsertAsync_InsertsThenUpdates_AndCountsNewOnes()
    {
        int first = await Stores.Users.UpsertAsync([Samples.User("riley.chen", UserRole.Manager), Samples.User("jamie.ortiz", manager: "riley.chen")]);

        int second = await Stores.Users.UpsertAsync([Samples.User("jamie.ortiz", UserRole.Approver), Samples.User("dana.w", UserRole.Admin)]);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(UserRole.Approver, (await Stores.Users.GetAsync("jamie.ortiz"))!.Role);
        Assert.Null((await Stores.Users.GetAsync("jamie.ortiz"))!.ManagerId);
    }

    [StoreFact]
    public async Task GetAsync_IgnoresAsciiCase_AndRoundTripsUnicode()
    {
        var user = new User("Zoë.Ång", "Zoë Ångström 🚀", "zoe@example.com", UserRole.Csm, "riley.chen");
        await Stores.Users.UpsertAsync([user]);

        Assert.Equal(user, await Stores.Users.GetAsync("Zoë.Ång"));
        Assert.Equal(user, await Stores.Users.GetAsync("ZOë.ÅNG"));
        Assert.Null(await Stores.Users.GetAsync("nobody"));
    }

    [StoreFact]
    public async Task ListAsync_OrdersById()
    {
        await Stores.Users.UpsertAsync([Samples.User("b"), Samples.User("a"), Samples.User("C")]);

        Assert.Equal(["C", "a", "b"], (await Stores.Users.ListAsync()).Select(u => u.Id));
    }
}
