using CopilotBot.Conversation.Cards;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Interventions;

/// <summary>
/// Puts approval requests in front of the approvers where they work (a proactive message with the approval card) and,
/// once someone decides, replaces every copy with the decided card, so all approvers see the same state.
/// </summary>
public interface IApprovalNotifier
{
    /// <summary>Posts the request card to every approver (except <paramref name="requestedBy"/>); returns how many received it.</summary>
    Task<int> RequestedAsync(Intervention request, Card card, string requestedBy, CancellationToken cancellationToken = default);

    /// <summary>Replaces the posted copies of the request with <paramref name="card"/>.</summary>
    Task DecidedAsync(Intervention request, Card card, CancellationToken cancellationToken = default);
}

/// <summary>No channel to reach approvers (the command line): requests wait in the approval queue.</summary>
public sealed class QueueOnlyApprovalNotifier : IApprovalNotifier
{
    public static readonly QueueOnlyApprovalNotifier Instance = new();

    public Task<int> RequestedAsync(Intervention request, Card card, string requestedBy, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task DecidedAsync(Intervention request, Card card, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
