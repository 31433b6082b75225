using CopilotBot.Conversation;

namespace CopilotBot.Host.Tests;

/// <summary>Support questions end to end on the demo workspace: evidence, baselines, spikes, and "nothing mentions that".</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class SupportDialogueTests(SeededWorkspaceFixture fixture)
{
    private async Task<TurnReply> AskAsync(string user, string text)
    {
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));
        return await runtime.Agent.HandleAsync(new TurnRequest("test", "support-" + Guid.NewGuid().ToString("N")[..6], user, text));
    }

    [Fact]
    public async Task Ask_ExplainsANegativeDay_WithTheOutageConversationsAsEvidence()
    {
        // The demo portfolio's platform outage is 38 days before "today" (2026-10-14).
        TurnReply reply = await AskAsync("riley.chen", "why was sentiment negative on Oct 14?");

        Assert.Equal("support.ask", reply.Tool);
        Assert.Equal("2026-10-14", reply.Arguments["from"]?.ToString());
        Assert.Contains("Top topics: outage", reply.Text, StringComparison.Ordinal);
        Assert.NotEmpty(reply.Evidence);
        Assert.All(reply.Evidence, e => Assert.Equal("2026-10-14", e.Date));
    }

    [Fact]
    public async Task Ask_SaysNothingMentionsIt_InsteadOfListingEverything()
    {
        TurnReply reply = await AskAsync("riley.chen", "any complaints about lost baggage?");

        Assert.Equal("support.ask", reply.Tool);
        Assert.StartsWith("None of the", reply.Text, StringComparison.Ordinal);
        Assert.Contains("baggage", reply.Text, StringComparison.Ordinal);
        Assert.Empty(reply.Evidence);
    }

    [Fact]
    public async Task Ask_KeepsEvidenceInsideTheCsmsBook()
    {
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));
        var book = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: ["mei.lin"], Status: null))).Select(a => a.Id).ToHashSet();

        TurnReply reply = await AskAsync("mei.lin", "what are customers saying about invoices in the last 90 days?");

        Assert.Equal("support.ask", reply.Tool);
        Assert.NotEmpty(reply.Evidence);
        Assert.All(reply.Evidence, e => Assert.Contains(e.AccountId!, book));
    }

    [Fact]
    public async Task Trends_FlagTheOutageSpike()
    {
        TurnReply reply = await AskAsync("riley.chen", "show support sentiment trends by day for the last 60 days");

        Assert.Equal("support.trends", reply.Tool);
        Assert.Contains("Spikes: 2026-10-14", reply.Text, StringComparison.Ordinal);
        Assert.Contains(reply.Evidence, e => e.Date == "2026-10-14");
    }
}
