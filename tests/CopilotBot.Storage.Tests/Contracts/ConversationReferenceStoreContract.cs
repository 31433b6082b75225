using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class ConversationReferenceStoreContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task SaveAsync_KeepsOnePerUserAndChannel_ListedNewestFirst()
    {
        await Stores.ConversationReferences.SaveAsync(new("riley", "slack", "D1", "{\"channel\":\"D1\"}", Samples.Noon));
        await Stores.ConversationReferences.SaveAsync(new("riley", "msteams", "a:1", "{\"conversation\":{\"id\":\"a:1\"}}", Samples.Noon.AddMinutes(5)));
        await Stores.ConversationReferences.SaveAsync(new("riley", "web", "web-riley", "{}", Samples.Noon.AddMinutes(5)));
        await Stores.ConversationReferences.SaveAsync(new("riley", "slack", "D2", "{\"channel\":\"D2\"}", Samples.Noon.AddMinutes(10)));
        await Stores.ConversationReferences.SaveAsync(new("jamie", "slack", "D3", "{}", Samples.Noon.AddMinutes(20)));

        IReadOnlyList<ConversationReference> riley = await Stores.ConversationReferences.ListAsync("riley");

        Assert.Equal(
            [
                new ConversationReference("riley", "slack", "D2", "{\"channel\":\"D2\"}", Samples.Noon.AddMinutes(10)),
                new ConversationReference("riley", "msteams", "a:1", "{\"conversation\":{\"id\":\"a:1\"}}", Samples.Noon.AddMinutes(5)),
                new ConversationReference("riley", "web", "web-riley", "{}", Samples.Noon.AddMinutes(5)),
            ],
            riley);
        Assert.Empty(await Stores.ConversationReferences.ListAsync("nobody"));
    }
}
