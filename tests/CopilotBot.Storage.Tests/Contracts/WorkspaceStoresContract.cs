using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>The bulk write behind the demo seed and the importers.</summary>
public abstract class WorkspaceStoresContract(StoreProvider provider) : StoreContract(provider)
{
    private static WorkspaceBatch Batch(string suffix) => new()
    {
        Users = [Samples.User("u" + suffix)],
        Accounts = [Samples.Account("P" + suffix)],
        Usage = [new UsageMonth("P" + suffix, new DateOnly(2026, 1, 1), 3, 4, 0.5)],
        Payments = [new Payment("INV" + suffix, "P" + suffix, new DateOnly(2026, 1, 1), null, 10m, PaymentStatus.Open)],
        Conversations = [(Samples.Conversation("C" + suffix, "P" + suffix, Samples.Noon), [Samples.Turn("C" + suffix, 1, Samples.Noon, "hi")])],
        Tasks = [Samples.Task("T" + suffix)],
        Interventions = [Samples.Intervention("I" + suffix, "P" + suffix, Samples.Noon)],
        Meta = [new("seeded.by", suffix)],
    };

    [StoreFact]
    public async Task WriteAsync_WritesEveryKind_AndCountsNewRows()
    {
        var progress = new List<double>();

        WorkspaceWriteResult first = await Stores.WriteAsync(Batch("1"), new SyncProgress(progress.Add));
        WorkspaceWriteResult second = await Stores.WriteAsync(Batch("1") with { Accounts = [Samples.Account("P1"), Samples.Account("P2")] });

        Assert.Equal(new WorkspaceWriteResult(true, 7), first);
        Assert.Equal(new WorkspaceWriteResult(true, 1), second);
        Assert.Equal(1.0, progress[^1], 6);
        Assert.Equal("1", await Stores.Meta.GetAsync("seeded.by"));
        Assert.Equal(2, await Stores.Accounts.CountAsync());
        Assert.Single(await Stores.Conversations.GetTurnsAsync("C1"));
        Assert.NotNull(await Stores.Interventions.GetAsync("I1"));
        Assert.NotNull(await Stores.Tasks.GetAsync("T1"));
        Assert.Single(await Stores.Activity.ListPaymentsAsync());
    }

    [StoreFact]
    public async Task WriteAsync_WritesNothing_WhenOnlyIfEmptyAndTheWorkspaceHasData()
    {
        await Stores.Users.UpsertAsync([Samples.User("someone")]);

        WorkspaceWriteResult result = await Stores.WriteAsync(Batch("1") with { OnlyIfEmpty = true });

        Assert.Equal(WorkspaceWriteResult.Skipped, result);
        Assert.Equal(0, await Stores.Accounts.CountAsync());
        Assert.Null(await Stores.Meta.GetAsync("seeded.by"));
    }

    [StoreFact]
    public async Task WriteAsync_SeedsOnce_WhenTwoInstancesSeedAnEmptyWorkspaceAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        WorkspaceWriteResult[] results = await RaceAsync([Stores, other], 6, (s, i) =>
            s.WriteAsync(Batch(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) with { OnlyIfEmpty = true }));

        WorkspaceWriteResult winner = Assert.Single(results, r => r.Written);
        Assert.Equal(7, winner.Inserted);
        Assert.Equal(1, await Stores.Accounts.CountAsync());
        Assert.Single(await Stores.Users.ListAsync());
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
