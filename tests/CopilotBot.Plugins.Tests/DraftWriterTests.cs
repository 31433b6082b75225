using CopilotBot.Plugins.Interventions;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

/// <summary>Draft emails read as a customer reads them (issue 16, section 6).</summary>
public sealed class DraftWriterTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly ScratchDirectory _scratch = new("copilot-drafts");
    private readonly CopilotWorkspace _workspace;

    public DraftWriterTests() => _workspace = CopilotWorkspace.Open(_scratch.Path);

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task WriteAsync_KeepsTheCustomersCancellationOutOfTheIssuesToResolve_AndStartsTheNextSentenceOnItsOwnLine()
    {
        var account = new Account("A1", "Contoso", Tier.Gold, 100_000m, Region.EMEA, "Retail", "jo.csm", Today.AddDays(40), null, 50);
        await _workspace.Users.UpsertAsync([new User("jo.csm", "Jo Csm", "jo@example.com", UserRole.Csm, null)]);
        await _workspace.Accounts.UpsertAsync([account]);
        DateTimeOffset at = new(Today.AddDays(-20).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await _workspace.Conversations.UpsertAsync(
        [
            (new SupportConversation("S1", "A1", at, "billing", -0.7, "email", "Charged twice for October"), [new ConversationTurn("S1", 1, Speaker.Customer, at, "We were charged twice")]),
            (new SupportConversation("S2", "A1", at.AddDays(5), "cancellation", -0.8, "email", "Cancellation / non-renewal"), [new ConversationTurn("S2", 1, Speaker.Customer, at.AddDays(5), "We will not renew")]),
        ]);
        var writer = new DraftWriter(PromptLibrary.Default(), _workspace.Activity, _workspace.Conversations, _workspace.Users);

        Draft draft = await writer.WriteAsync(account, null, "email", Today, CancellationToken.None);

        Assert.DoesNotContain("Cancellation", draft.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("non-renewal", draft.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Charged twice for October", draft.Body, StringComparison.Ordinal);
        string[] lines = draft.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int lastBullet = Array.FindLastIndex(lines, l => l.StartsWith("- ", StringComparison.Ordinal));
        Assert.True(lastBullet >= 0, draft.Body);
        Assert.Equal(string.Empty, lines[lastBullet + 1]);
    }
}
