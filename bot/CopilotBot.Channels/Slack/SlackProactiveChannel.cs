using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;

namespace CopilotBot.Channels.Slack;

/// <summary>Proactive messages on Slack: <c>chat.postMessage</c> to the user's channel (a DM or the channel they mentioned the bot in), <c>chat.update</c> to replace.</summary>
public sealed class SlackProactiveChannel(ISlackApi api, ChartImageCache? charts = null) : IProactiveChannel
{
    /// <summary>The reference document: the Slack channel to post to, and the team.</summary>
    public static string Reference(string channel, string? teamId) => new JsonObject { ["channel"] = channel, ["team"] = teamId }.ToJsonString();

    public bool Handles(string channel) => channel == SlackEventParser.ChannelName;

    public async Task<PostedMessage> SendAsync(ProactiveTarget target, TurnReply reply, CancellationToken cancellationToken = default)
    {
        string channel = ChannelOf(target.Reference);
        await PublishChartsAsync(reply, cancellationToken);
        (string text, JsonArray blocks) = BlockKitRenderer.RenderReply(reply, charts);
        SlackMessageRef posted = await api.PostMessageAsync(channel, text, blocks, null, cancellationToken);
        return new PostedMessage(target.Channel, target.ConversationId, posted.Ts, SlackProactiveChannel.Reference(posted.Channel, null));
    }

    public async Task UpdateAsync(PostedMessage posted, TurnReply reply, CancellationToken cancellationToken = default)
    {
        await PublishChartsAsync(reply, cancellationToken);
        (string text, JsonArray blocks) = BlockKitRenderer.RenderReply(reply, charts);
        await api.UpdateMessageAsync(ChannelOf(posted.Reference), posted.MessageId, text, blocks, cancellationToken);
    }

    private Task PublishChartsAsync(TurnReply reply, CancellationToken cancellationToken) =>
        charts?.PublishAsync(reply, cancellationToken) ?? Task.CompletedTask;

    private static string ChannelOf(string reference) =>
        (JsonNode.Parse(reference) as JsonObject)?["channel"]?.GetValue<string>() is { Length: > 0 } channel
            ? channel
            : throw new InvalidOperationException("The Slack reference has no channel.");
}
