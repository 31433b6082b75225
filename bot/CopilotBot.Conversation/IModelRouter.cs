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

    /// <summary>
    /// As <see cref="RouteAsync(string, CallerContext, ConversationMemory, CancellationToken)"/>, telling <paramref name="partial"/>
    /// the reply's text so far as the model writes it.
    /// </summary>
    Task<ModelRoute?> RouteAsync(string text, CallerContext caller, ConversationMemory memory, Func<string, CancellationToken, Task>? partial, CancellationToken cancellationToken) =>
        RouteAsync(text, caller, memory, cancellationToken);
}

public sealed record ModelRoute(TurnReply? Reply, IReadOnlyList<string> AccountsShown, string? FallbackNote);
