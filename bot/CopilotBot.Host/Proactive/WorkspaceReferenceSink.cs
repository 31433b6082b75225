using System.Collections.Concurrent;
using CopilotBot.Channels.Common;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Proactive;

/// <summary>
/// Saves each user's latest personal conversation per channel in the workspace. A turn in the same conversation within
/// a minute of the last save is not written again, so a busy chat costs one write a minute, not one per message.
/// </summary>
public sealed class WorkspaceReferenceSink(CopilotRuntime runtime) : IConversationReferenceSink
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string User, string Channel), (string Conversation, DateTimeOffset At)> _saved = new();

    public async ValueTask RememberAsync(string userId, ProactiveTarget target, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        var key = (userId, target.Channel);
        if (_saved.TryGetValue(key, out var last) && last.Conversation == target.ConversationId && now - last.At < Refresh)
        {
            return;
        }

        await runtime.Workspace.ConversationReferences.SaveAsync(
            new ConversationReference(userId, target.Channel, target.ConversationId, target.Reference, now), cancellationToken);
        _saved[key] = (target.ConversationId, now);
    }
}
