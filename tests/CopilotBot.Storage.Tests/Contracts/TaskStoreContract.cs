using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class TaskStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly CrmTask Draft = Samples.Task("", due: new DateOnly(2026, 12, 1));

    [StoreFact]
    public async Task CreateAsync_AllocatesTheNextTNumber_AfterTheHighestExisting()
    {
        CrmTask first = await Stores.Tasks.CreateAsync(Draft);
        await Stores.Tasks.UpsertAsync([Samples.Task("T41"), Samples.Task("T9"), Samples.Task("X123abc"), Samples.Task("Tasks")]);

        CrmTask next = await Stores.Tasks.CreateAsync(Draft);

        Assert.Equal("T1", first.Id);
        Assert.Equal("T42", next.Id);
        Assert.Equal(Draft with { Id = "T42" }, await Stores.Tasks.GetAsync("T42"));
    }

    [StoreFact]
    public async Task CreateAsync_GivesDistinctConsecutiveIds_WhenTwoInstancesCreateAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        CrmTask[] created = await RaceAsync([Stores, other], 40, (s, _) => s.Tasks.CreateAsync(Draft));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => "T" + i).Order(), created.Select(t => t.Id).Order());
        Assert.Equal(40, (await Stores.Tasks.ListAsync("csm.one", null, null)).Count);
    }

    [StoreFact]
    public async Task UpsertAsync_UpdatesButKeepsCreation_AndCountsNewIds()
    {
        CrmTask original = Samples.Task("T1");
        await Stores.Tasks.UpsertAsync([original]);

        int inserted = await Stores.Tasks.UpsertAsync(
        [
            original with { Title = "Renamed", CreatedAt = Samples.Noon.AddDays(5), CreatedBy = "someone.else" },
            Samples.Task("T2"),
        ]);

        Assert.Equal(1, inserted);
        Assert.Equal(original with { Title = "Renamed" }, await Stores.Tasks.GetAsync("T1"));
    }

    [StoreFact]
    public async Task ListAsync_FiltersAndPutsUndatedLast_OrderedByDueDateThenId()
    {
        await Stores.Tasks.UpsertAsync(
        [
            Samples.Task("T3", due: new DateOnly(2026, 12, 2)),
            Samples.Task("T2", due: null),
            Samples.Task("T1", due: new DateOnly(2026, 12, 2)),
            Samples.Task("T4", due: new DateOnly(2026, 11, 30), status: TaskState.Done),
            Samples.Task("T5", assignee: "csm.two", due: new DateOnly(2026, 1, 1)) with { AccountId = "P2" },
        ]);

        Assert.Equal(["T4", "T1", "T3", "T2"], (await Stores.Tasks.ListAsync("csm.one", null, null)).Select(t => t.Id));
        Assert.Equal(["T1", "T3", "T2"], (await Stores.Tasks.ListAsync("csm.one", null, TaskState.Open)).Select(t => t.Id));
        Assert.Equal(["T5"], (await Stores.Tasks.ListAsync(null, "P2", null)).Select(t => t.Id));
        Assert.Equal(["T5", "T4", "T1", "T3", "T2"], (await Stores.Tasks.ListAsync(null, null, null)).Select(t => t.Id));
    }

    [StoreFact]
    public async Task CompleteAsync_MarksDoneOnce_IgnoringCase()
    {
        await Stores.Tasks.UpsertAsync([Samples.Task("T7")]);
        DateTimeOffset first = Samples.Noon.AddHours(1), second = Samples.Noon.AddHours(2);

        CrmTask? done = await Stores.Tasks.CompleteAsync("t7", first);
        CrmTask? again = await Stores.Tasks.CompleteAsync("T7", second);
        CrmTask? missing = await Stores.Tasks.CompleteAsync("T8", first);

        Assert.Equal((TaskState.Done, (DateTimeOffset?)first), (done!.Status, done.CompletedAt));
        Assert.Equal(first, again!.CompletedAt);
        Assert.Null(missing);
        Assert.Equal("T7", (await Stores.Tasks.GetAsync("t7"))!.Id);
    }
}
