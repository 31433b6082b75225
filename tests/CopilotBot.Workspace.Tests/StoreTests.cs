using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage.Sqlite;

namespace CopilotBot.Workspace.Tests;

public sealed class StoreTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreateAsync_GivesUniqueIds_WhenManyTasksAreCreatedConcurrently()
    {
        var draft = new CrmTask("", null, "Call", new DateOnly(2026, 12, 1), "u1", TaskState.Open, DateTimeOffset.UnixEpoch, "u1", null);

        CrmTask[] created = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => _temp.Workspace.Tasks.CreateAsync(draft))));

        Assert.Equal(40, created.Select(t => t.Id).Distinct().Count());
        Assert.Equal(40, (await _temp.Workspace.Tasks.ListAsync("u1", null, null)).Count);
    }

    [Fact]
    public async Task AppendAsync_ChainsHashes_WhenEntriesAreAppendedConcurrently()
    {
        DateTimeOffset at = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => _temp.Workspace.Audit.AppendAsync("u" + i, "test.action", "T" + i, null, at))));
        var entries = await _temp.Workspace.Audit.ReadAsync();

        Assert.Equal(30, entries.Count);
        Assert.Equal(SqliteAuditLog.GenesisHash, entries[0].PrevHash);
        for (int i = 0; i < entries.Count; i++)
        {
            AuditEntry e = entries[i];
            Assert.Equal(i + 1, e.Seq);
            Assert.Equal(SqliteAuditLog.ComputeHash(e.Seq, Vocabulary.Format(e.At), e.Actor, e.Action, e.Target, e.Details, e.PrevHash), e.Hash);
            if (i > 0)
            {
                Assert.Equal(entries[i - 1].Hash, e.PrevHash);
            }
        }
    }

    [Fact]
    public async Task ConversationState_SurvivesReopeningTheWorkspace()
    {
        await _temp.Workspace.ConversationState.SetAsync("conv-1", "{\"last\":\"P10001\"}", DateTimeOffset.UnixEpoch);

        CopilotWorkspace reopened = CopilotWorkspace.Open(_temp.Directory);

        Assert.Equal("{\"last\":\"P10001\"}", await reopened.ConversationState.GetAsync("conv-1"));
    }
}
