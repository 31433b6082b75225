using CopilotBot.Conversation.Functions;
using CopilotBot.Routing;

namespace CopilotBot.Conversation;

/// <summary>
/// Routing by a language model with tool calling, when one is configured. Returns a reply when the model answered,
/// or only a fallback note when it failed (the embedded router then answers, and the note says so).
/// </summary>
public interface IModelRouter
{
    Task<ModelRoute?> RouteAsync(string text, CallerContext caller, ConversationMemory memory, CancellationToken cancellationToken);
}

public sealed record ModelRoute(TurnReply? Reply, IReadOnlyList<string> AccountsShown, string? FallbackNote);
