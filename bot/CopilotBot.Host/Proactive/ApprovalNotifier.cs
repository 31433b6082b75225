using System.Text.Json;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Proactive;

/// <summary>
/// Posts approval requests to every approver in the chat they last used, remembers where each copy went (in the
/// workspace, so any instance can update them), and replaces all copies with the decided card.
/// </summary>
public sealed class ApprovalNotifier(
    ProactiveMessenger messenger,
    IUserStore users,
    IConversationStateStore state,
    IAuditLog audit,
    TimeProvider clock) : IApprovalNotifier
{
    public static string PostedKey(string interventionId) => "approval-card:" + interventionId;

    public async Task<int> RequestedAsync(Intervention request, Card card, string requestedBy, CancellationToken cancellationToken = default)
    {
        var reply = new TurnReply(card.FallbackText ?? card.Title, "interventions.approvals", new Dictionary<string, object?>(), [card], [], 1);
        var posted = new List<PostedMessage>();
        var reached = new List<string>();
        foreach (User approver in (await users.ListAsync(cancellationToken)).Where(u => u.Role == UserRole.Approver && u.Id != requestedBy))
        {
            if (await messenger.SendAsync(approver.Id, reply, cancellationToken) is { } message)
            {
                posted.Add(message);
                reached.Add(approver.Id);
            }
        }

        if (posted.Count > 0)
        {
            await state.SetAsync(PostedKey(request.Id), JsonSerializer.Serialize(posted), clock.GetUtcNow(), cancellationToken);
        }

        await audit.AppendAsync(
            "copilot", "approval.notified", request.AccountId,
            JsonSerializer.Serialize(new { intervention = request.Id, approvers = reached }), clock.GetUtcNow(), cancellationToken);
        return posted.Count;
    }

    public async Task DecidedAsync(Intervention request, Card card, CancellationToken cancellationToken = default)
    {
        if (await state.GetAsync(PostedKey(request.Id), cancellationToken) is not { } json)
        {
            return;
        }

        var reply = new TurnReply(card.FallbackText ?? card.Title, "interventions.approve", new Dictionary<string, object?>(), [card], [], 1) { UpdatesCard = true };
        foreach (PostedMessage posted in JsonSerializer.Deserialize<List<PostedMessage>>(json) ?? [])
        {
            await messenger.UpdateAsync(posted, reply, cancellationToken);
        }
    }
}
