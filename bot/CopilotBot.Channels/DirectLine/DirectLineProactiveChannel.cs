using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// Proactive messages in the local web chat: posted into the user's Direct Line conversation while it is still held (an
/// approver with the page open sees an approval request arrive), replaced in place when updated. Conversations live in
/// memory, so one that was forgotten (idle, restart) fails and the messenger tries the user's next channel.
/// </summary>
public sealed class DirectLineProactiveChannel(DirectLineConversationStore store, DirectLineBot bot) : IProactiveChannel
{
    /// <summary>The reference document for a conversation (only its id: the endpoint holds everything else).</summary>
    public static string Reference(string conversationId) => new JsonObject { ["conversationId"] = conversationId }.ToJsonString();

    public bool Handles(string channel) => channel == DirectLineBot.TurnChannel;

    public Task<PostedMessage> SendAsync(ProactiveTarget target, TurnReply reply, CancellationToken cancellationToken = default)
    {
        DirectLineConversation conversation = Find(target.ConversationId);
        string id = bot.Post(conversation, reply);
        return Task.FromResult(new PostedMessage(target.Channel, conversation.Id, id, target.Reference));
    }

    public Task UpdateAsync(PostedMessage posted, TurnReply reply, CancellationToken cancellationToken = default)
    {
        if (!bot.TryUpdate(Find(posted.ConversationId), posted.MessageId, reply))
        {
            throw new InvalidOperationException("The web chat message is no longer held.");
        }

        return Task.CompletedTask;
    }

    private DirectLineConversation Find(string conversationId) =>
        store.Find(conversationId) ?? throw new InvalidOperationException("The web chat conversation has ended.");
}
