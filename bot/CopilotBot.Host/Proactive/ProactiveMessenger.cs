using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Proactive;

/// <summary>
/// Reaches a user without them asking: in the channel they used last (their most recent personal conversation), falling
/// back to the other channels they have used when that one fails.
/// </summary>
public sealed class ProactiveMessenger(IConversationReferenceStore references, IEnumerable<IProactiveChannel> channels, ILogger logger)
{
    private readonly IReadOnlyList<IProactiveChannel> _channels = channels.ToList();

    /// <summary>Posts the reply to the user; null when they cannot be reached (never talked to the bot, or every channel failed).</summary>
    public async Task<PostedMessage?> SendAsync(string userId, TurnReply reply, CancellationToken cancellationToken)
    {
        foreach (ConversationReference reference in await references.ListAsync(userId, cancellationToken))
        {
            if (_channels.FirstOrDefault(c => c.Handles(reference.Channel)) is not { } channel)
            {
                continue;
            }

            try
            {
                return await channel.SendAsync(new ProactiveTarget(reference.Channel, reference.ConversationId, reference.Reference), reply, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Proactive message to {User} on {Channel} failed ({Error}); trying the next channel", userId, reference.Channel, ex.GetType().Name);
            }
        }

        return null;
    }

    /// <summary>Replaces a message posted earlier; false when its channel is gone or refused.</summary>
    public async Task<bool> UpdateAsync(PostedMessage posted, TurnReply reply, CancellationToken cancellationToken)
    {
        if (_channels.FirstOrDefault(c => c.Handles(posted.Channel)) is not { } channel)
        {
            return false;
        }

        try
        {
            await channel.UpdateAsync(posted, reply, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Updating proactive message {Message} on {Channel} failed ({Error})", posted.MessageId, posted.Channel, ex.GetType().Name);
            return false;
        }
    }
}
