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

    [StoreFact]
    public async Task Identities_MapChannelIdsToUsers_IgnoringCase_AndMoveWhenReassigned()
    {
        await Stores.Users.UpsertAsync([Samples.User("sofia.marino"), Samples.User("lukas.weber")]);

        int first = await Stores.Users.UpsertIdentitiesAsync(
        [
            new UserIdentity(IdentityChannels.Teams, "6B1D3C9A-0F2E-4C1B-9E8D-7A6B5C4D3E2F", "sofia.marino"),
            new UserIdentity(IdentityChannels.Slack, "U024BE7LH", "sofia.marino"),
            new UserIdentity(IdentityChannels.Alias, "Sofia M", "sofia.marino"),
            new UserIdentity(IdentityChannels.Slack, "U0G9QF9C6", "lukas.weber"),
        ]);
        // The same Slack id, differently cased, moves to another user; nothing is duplicated.
        int second = await Stores.Users.UpsertIdentitiesAsync([new UserIdentity(IdentityChannels.Slack, "u0g9qf9c6", "sofia.marino")]);

        Assert.Equal(4, first);
        Assert.Equal(0, second);
        Assert.Equal("sofia.marino", await Stores.Users.FindByIdentityAsync(IdentityChannels.Teams, "6b1d3c9a-0f2e-4c1b-9e8d-7a6b5c4d3e2f"));
        Assert.Equal("sofia.marino", await Stores.Users.FindByIdentityAsync(IdentityChannels.Slack, "U0G9QF9C6"));
        Assert.Equal("sofia.marino", await Stores.Users.FindByIdentityAsync(IdentityChannels.Alias, "sofia m"));
        // Channels are separate namespaces, and unknown ids map to nobody.
        Assert.Null(await Stores.Users.FindByIdentityAsync(IdentityChannels.Teams, "U024BE7LH"));
        Assert.Null(await Stores.Users.FindByIdentityAsync(IdentityChannels.Slack, "U999"));
        Assert.Equal(
            [
                new UserIdentity(IdentityChannels.Alias, "Sofia M", "sofia.marino"),
                new UserIdentity(IdentityChannels.Slack, "U024BE7LH", "sofia.marino"),
                new UserIdentity(IdentityChannels.Slack, "u0g9qf9c6", "sofia.marino"),
                new UserIdentity(IdentityChannels.Teams, "6B1D3C9A-0F2E-4C1B-9E8D-7A6B5C4D3E2F", "sofia.marino"),
            ],
            await Stores.Users.ListIdentitiesAsync());
    }

    [StoreFact]
    public async Task Identities_AreEmptyInANewWorkspace_AndLeaveUsersAlone()
    {
        await Stores.Users.UpsertAsync([Samples.User("a")]);

        Assert.Empty(await Stores.Users.ListIdentitiesAsync());
        Assert.Null(await Stores.Users.FindByIdentityAsync(IdentityChannels.Slack, "a"));
        Assert.Single(await Stores.Users.ListAsync());
    }
}
