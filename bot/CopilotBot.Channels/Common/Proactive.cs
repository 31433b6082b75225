using CopilotBot.Conversation;

namespace CopilotBot.Channels.Common;

/// <summary>
/// Where a user was last reached on a channel: the conversation and the channel's own reference document (JSON), enough
/// to post to that conversation later without an inbound message.
/// </summary>
public sealed record ProactiveTarget(string Channel, string ConversationId, string Reference);

/// <summary>A message the bot posted proactively, with what is needed to update it in place later.</summary>
public sealed record PostedMessage(string Channel, string ConversationId, string MessageId, string Reference);

/// <summary>
/// Told about every inbound turn from a known user so the host can remember how to reach them (the latest conversation
/// per user and channel).
/// </summary>
public interface IConversationReferenceSink
{
    ValueTask RememberAsync(string userId, ProactiveTarget target, CancellationToken cancellationToken = default);
}

/// <summary>Forgets everything: the default when the host keeps no references.</summary>
public sealed class NullConversationReferenceSink : IConversationReferenceSink
{
    public static readonly NullConversationReferenceSink Instance = new();

    public ValueTask RememberAsync(string userId, ProactiveTarget target, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>Posts and updates messages the user did not ask for, on one channel.</summary>
public interface IProactiveChannel
{
    /// <summary>True for the channel names this sender handles (e.g. "msteams", "slack").</summary>
    bool Handles(string channel);

    /// <summary>Posts the reply (text and cards) to the target's conversation.</summary>
    Task<PostedMessage> SendAsync(ProactiveTarget target, TurnReply reply, CancellationToken cancellationToken = default);

    /// <summary>Replaces a message posted earlier (e.g. an approval card once someone decided).</summary>
    Task UpdateAsync(PostedMessage posted, TurnReply reply, CancellationToken cancellationToken = default);
}
