using CopilotBot.Host.Cli;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class AuditLogContract(StoreProvider provider) : StoreContract(provider)
{
    [StoreFact]
    public async Task AppendAsync_ChainsFromGenesis_WithTheSharedHash()
    {
        AuditEntry first = await Stores.Audit.AppendAsync("riley.chen", "approval.approved", "I1", "{\"note\":\"ok ✅\"}", Samples.Noon);
        AuditEntry second = await Stores.Audit.AppendAsync("agent", "agent.run", null, null, Samples.Noon.AddMinutes(1));

        IReadOnlyList<AuditEntry> read = await Stores.Audit.ReadAsync();

        Assert.Equal([first, second], read);
        Assert.Equal((1L, AuditHash.Genesis), (first.Seq, first.PrevHash));
        Assert.Equal((2L, first.Hash), (second.Seq, second.PrevHash));
        Assert.Equal(AuditHash.Compute(1, "2026-11-21T12:00:00Z", "riley.chen", "approval.approved", "I1", "{\"note\":\"ok ✅\"}", AuditHash.Genesis), first.Hash);
        Assert.Null(AuditChain.FirstProblem(read));
    }

    [StoreFact]
    public async Task ReadAsync_FiltersByHalfOpenRange_AndReadsTimesAsWholeSecondUtc()
    {
        await Stores.Audit.AppendAsync("a", "x", null, null, Samples.Noon.AddDays(-1));
        await Stores.Audit.AppendAsync("a", "y", null, null, new DateTimeOffset(2026, 11, 21, 14, 0, 0, 700, TimeSpan.FromHours(2)));
        await Stores.Audit.AppendAsync("a", "z", null, null, Samples.Noon.AddDays(1));

        IReadOnlyList<AuditEntry> today = await Stores.Audit.ReadAsync(Samples.Noon, Samples.Noon.AddDays(1));
        IReadOnlyList<AuditEntry> all = await Stores.Audit.ReadAsync();

        AuditEntry y = Assert.Single(today);
        Assert.Equal("y", y.Action);
        Assert.Equal(Samples.Noon, y.At);
        Assert.Equal(TimeSpan.Zero, y.At.Offset);
        Assert.Null(AuditChain.FirstProblem(all));
    }

    [StoreFact]
    public async Task AppendAsync_KeepsOneValidChain_WhenTwoInstancesAppendAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        AuditEntry[] appended = await RaceAsync([Stores, other], 60, (s, i) =>
            s.Audit.AppendAsync("user" + i, "test.action", "T" + i, i % 2 == 0 ? null : "details " + i, Samples.Noon.AddSeconds(i % 7)));
        IReadOnlyList<AuditEntry> chain = await other.Audit.ReadAsync();

        Assert.Equal(60, chain.Count);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), chain.Select(e => e.Seq));
        Assert.Null(AuditChain.FirstProblem(chain));
        Assert.Equal(appended.OrderBy(e => e.Seq).Select(e => e.Hash), chain.Select(e => e.Hash));
    }
}
