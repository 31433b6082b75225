using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Tests;

/// <summary>The approval flow for Platinum accounts, driven by card clicks through the agent.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ApprovalTests(SeededWorkspaceFixture fixture)
{
    private CopilotRuntime Open() => CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    private static Task<TurnReply> ClickAsync(CopilotRuntime runtime, string user, string verb, string intervention) =>
        runtime.Agent.HandleAsync(new TurnRequest("test", "approvals-" + user, user, "", new JsonObject { ["verb"] = verb, ["intervention"] = intervention }));

    private async Task<Intervention> RequestAsync(CopilotRuntime runtime, TimeSpan age)
    {
        Account platinum = (await runtime.Workspace.Accounts.ListAsync(new(Tier: Tier.Platinum)))[Random.Shared.Next(20)];
        var request = new Intervention(
            "Itest" + Guid.NewGuid().ToString("N")[..8], platinum.Id, "email", InterventionStatus.PendingApproval, 0.9,
            runtime.Clock.GetUtcNow() - age, "agent", "Hi team, …", null, null);
        await runtime.Workspace.Interventions.UpsertAsync([request]);
        return request;
    }

    [Fact]
    public async Task Approve_UpdatesTheCardForEveryone_AndASecondClickChangesNothing()
    {
        CopilotRuntime runtime = Open();
        Intervention request = await RequestAsync(runtime, TimeSpan.FromHours(1));
        int tasksBefore = (await runtime.Workspace.Tasks.ListAsync(null, request.AccountId, null)).Count;

        TurnReply approved = await ClickAsync(runtime, "dana.whitfield", "approve", request.Id);
        TurnReply again = await ClickAsync(runtime, "samuel.okafor", "approve", request.Id);
        TurnReply rejectLate = await ClickAsync(runtime, "samuel.okafor", "reject", request.Id);

        Assert.Equal("interventions.approve", approved.Tool);
        Card card = Assert.Single(approved.Cards);
        Assert.StartsWith("✅ Approved", card.Title, StringComparison.Ordinal);
        Assert.Contains(card.Body.OfType<CardText>(), t => t.Text.StartsWith("Approved by Dana Whitfield at ", StringComparison.Ordinal));
        Assert.Contains("Already approved by Dana Whitfield", again.Text, StringComparison.Ordinal);
        Assert.Contains("Already approved", rejectLate.Text, StringComparison.Ordinal);
        Intervention stored = (await runtime.Workspace.Interventions.GetAsync(request.Id))!;
        Assert.Equal((InterventionStatus.Pending, "dana.whitfield"), (stored.Status, stored.DecidedBy));
        Assert.Equal(tasksBefore + 1, (await runtime.Workspace.Tasks.ListAsync(null, request.AccountId, null)).Count);
        var audit = await runtime.Workspace.Audit.ReadAsync();
        Assert.Single(audit, e => e.Action == "approval.approved" && e.Details!.Contains(request.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Click_ByANonApprover_IsRefused_AndTheRequestStaysPending()
    {
        CopilotRuntime runtime = Open();
        Intervention request = await RequestAsync(runtime, TimeSpan.FromHours(1));

        TurnReply reply = await ClickAsync(runtime, "jamie.ortiz", "approve", request.Id);

        Assert.Contains("Only approvers", reply.Text, StringComparison.Ordinal);
        Assert.Equal(InterventionStatus.PendingApproval, (await runtime.Workspace.Interventions.GetAsync(request.Id))!.Status);
    }

    [Fact]
    public async Task Reject_RecordsTheDecision_AndTakesNoAction()
    {
        CopilotRuntime runtime = Open();
        Intervention request = await RequestAsync(runtime, TimeSpan.FromHours(2));
        int tasksBefore = (await runtime.Workspace.Tasks.ListAsync(null, request.AccountId, null)).Count;

        TurnReply reply = await ClickAsync(runtime, "samuel.okafor", "reject", request.Id);

        Assert.StartsWith("❌ Rejected", Assert.Single(reply.Cards).Title, StringComparison.Ordinal);
        Assert.Equal(InterventionStatus.Rejected, (await runtime.Workspace.Interventions.GetAsync(request.Id))!.Status);
        Assert.Equal(tasksBefore, (await runtime.Workspace.Tasks.ListAsync(null, request.AccountId, null)).Count);
    }

    [Fact]
    public async Task Click_OnAnExpiredRequest_GetsAClearCard_AndNothingHappens()
    {
        CopilotRuntime runtime = Open();
        Intervention request = await RequestAsync(runtime, TimeSpan.FromDays(4));

        TurnReply reply = await ClickAsync(runtime, "dana.whitfield", "approve", request.Id);

        Assert.StartsWith("Expired", Assert.Single(reply.Cards).Title, StringComparison.Ordinal);
        Assert.Equal(InterventionStatus.PendingApproval, (await runtime.Workspace.Interventions.GetAsync(request.Id))!.Status);
    }

    [Fact]
    public async Task ConcurrentApprovals_ApplyExactlyOnce()
    {
        CopilotRuntime runtime = Open();
        Intervention request = await RequestAsync(runtime, TimeSpan.FromHours(1));

        TurnReply[] replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => ClickAsync(runtime, i % 2 == 0 ? "dana.whitfield" : "samuel.okafor", "approve", request.Id))));

        Assert.Single(replies, r => r.Text.StartsWith("Approved:", StringComparison.Ordinal));
        var audit = await runtime.Workspace.Audit.ReadAsync();
        Assert.Single(audit, e => e.Action == "approval.approved" && e.Details!.Contains(request.Id, StringComparison.Ordinal));
    }
}
