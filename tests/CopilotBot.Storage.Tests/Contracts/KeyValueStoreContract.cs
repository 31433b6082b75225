using CopilotBot.Storage.Tests.Infrastructure;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>The workspace meta and the per-conversation state: small documents by key.</summary>
public abstract class KeyValueStoreContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task MetaSetAsync_InsertsThenOverwrites()
    {
        string? missing = await Stores.Meta.GetAsync("agent.threshold");
        await Stores.Meta.SetAsync("agent.threshold", "0.8");
        await Stores.Meta.SetAsync("agent.threshold", "0.75");
        await Stores.Meta.SetAsync("note", "");

        Assert.Null(missing);
        Assert.Equal("0.75", await Stores.Meta.GetAsync("agent.threshold"));
        Assert.Equal("", await Stores.Meta.GetAsync("note"));
    }

    [StoreFact]
    public async Task ConversationStateSetAsync_KeepsTheLatestDocument_VisibleToAnotherInstance()
    {
        const string State = "{\"last\":\"P10001\",\"text\":\"Zoë 🚀 \\\"quoted\\\"\"}";
        await Stores.ConversationState.SetAsync("conv-1", "{}", Samples.Noon);
        await Stores.ConversationState.SetAsync("conv-1", State, Samples.Noon.AddMinutes(1));

        var other = await OpenInstanceAsync();

        Assert.Equal(State, await other.ConversationState.GetAsync("conv-1"));
        Assert.Null(await other.ConversationState.GetAsync("conv-2"));
    }
}
