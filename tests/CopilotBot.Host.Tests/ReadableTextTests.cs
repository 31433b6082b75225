using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Tests;

/// <summary>Text a manager reads names people, not their user ids (issue 16, section 6: "Owner jamie.ortiz").</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ReadableTextTests(SeededWorkspaceFixture fixture)
{
    private CopilotRuntime Open() => CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

    [Fact]
    public async Task Explain_ShowsTheOwnersName_NotTheirUserId()
    {
        CopilotRuntime runtime = Open();
        Account account = (await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: ["jamie.ortiz"])))[0];
        User owner = (await runtime.Workspace.Users.GetAsync("jamie.ortiz"))!;

        TurnReply why = await runtime.Agent.HandleAsync(new TurnRequest("test", "rt-" + Guid.NewGuid().ToString("N")[..6], "jamie.ortiz", $"why is {account.Id} at risk?"));

        Assert.Equal("churn.explain", why.Tool);
        var facts = (CardFacts)why.Cards[0].Body.First(b => b is CardFacts);
        Assert.Equal(owner.Name, facts.Facts.Single(f => f.Title == "Owner").Value);
    }

    [Fact]
    public async Task TaskList_ShowsTheAssigneesName_NotTheirUserId()
    {
        CopilotRuntime runtime = Open();
        User manager = (await runtime.Workspace.Users.ListAsync()).First(u => u.Role == UserRole.Manager);
        User csm = (await runtime.Workspace.Users.ListAsync()).First(u => u.ManagerId == manager.Id && u.Role == UserRole.Csm);

        TurnReply tasks = await runtime.Agent.HandleAsync(new TurnRequest("test", "rt-" + Guid.NewGuid().ToString("N")[..6], manager.Id, $"show all tasks for {csm.Id}"));

        string shown = tasks.Text + string.Join(" ", tasks.Cards.SelectMany(c => c.Body).OfType<CardTable>().SelectMany(t => t.Rows).SelectMany(r => r));
        Assert.DoesNotContain(csm.Id, shown, StringComparison.Ordinal);
    }
}
