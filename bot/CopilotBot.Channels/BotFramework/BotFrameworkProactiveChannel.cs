using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// Proactive messages over the Bot Connector: the stored reference is the addressing part of an inbound activity
/// (service URL, channel, conversation, bot and user accounts), so a reply can be built exactly as for a live turn.
/// </summary>
public sealed class BotFrameworkProactiveChannel(IBotConnector connector, TrustedServiceUrls trusted, BotOptions? options = null) : IProactiveChannel
{
    private readonly BotFrameworkAdapter _adapter = new(options);

    /// <summary>The reference document for an inbound activity; <paramref name="authenticated"/> says its token was checked.</summary>
    public static string Reference(Activity inbound, bool authenticated) => new JsonObject
    {
        ["serviceUrl"] = inbound.ServiceUrl,
        ["channelId"] = inbound.ChannelId,
        ["conversation"] = JsonSerializer.SerializeToNode(inbound.Conversation, ActivityJson.Options),
        ["bot"] = JsonSerializer.SerializeToNode(inbound.Recipient, ActivityJson.Options),
        ["user"] = JsonSerializer.SerializeToNode(inbound.From, ActivityJson.Options),
        ["authenticated"] = authenticated,
    }.ToJsonString();

    public bool Handles(string channel) => channel is "msteams" or "emulator" or "webchat" or "directline-bf";

    public async Task<PostedMessage> SendAsync(ProactiveTarget target, TurnReply reply, CancellationToken cancellationToken = default)
    {
        Activity addressing = Read(target.Reference);
        ResourceResponse? last = null;
        foreach (Activity activity in _adapter.ToActivities(reply, addressing))
        {
            last = await connector.SendToConversationAsync(addressing.ServiceUrl!, addressing.Conversation!.Id!, activity, cancellationToken);
        }

        return new PostedMessage(target.Channel, target.ConversationId, last?.Id ?? string.Empty, target.Reference);
    }

    public async Task UpdateAsync(PostedMessage posted, TurnReply reply, CancellationToken cancellationToken = default)
    {
        if (posted.MessageId.Length == 0)
        {
            throw new InvalidOperationException("The channel did not return an id for that message, so it cannot be updated.");
        }

        Activity addressing = Read(posted.Reference);
        Activity activity = _adapter.ToActivities(reply, addressing)[0];
        await connector.UpdateActivityAsync(addressing.ServiceUrl!, addressing.Conversation!.Id!, posted.MessageId, activity, cancellationToken);
    }

    private Activity Read(string reference)
    {
        JsonObject json = JsonNode.Parse(reference) as JsonObject ?? throw new InvalidOperationException("A Bot Framework reference must be a JSON object.");
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            ServiceUrl = (string?)json["serviceUrl"],
            ChannelId = (string?)json["channelId"],
            Conversation = json["conversation"]?.Deserialize<ConversationAccount>(ActivityJson.Options),
            From = json["user"]?.Deserialize<ChannelAccount>(ActivityJson.Options),
            Recipient = json["bot"]?.Deserialize<ChannelAccount>(ActivityJson.Options),
        };
        if (activity.ServiceUrl is not { Length: > 0 } serviceUrl || activity.Conversation?.Id is not { Length: > 0 })
        {
            throw new InvalidOperationException("The Bot Framework reference has no service URL or conversation id.");
        }

        // The reference was stored from an activity whose token was validated: its service URL may receive our token again,
        // even after a restart emptied the in-memory list.
        if ((bool?)json["authenticated"] == true)
        {
            trusted.Trust(serviceUrl);
        }

        return activity;
    }
}
