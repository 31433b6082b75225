using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;

namespace CopilotBot.Channels.Slack;

/// <summary>An Events API request body.</summary>
public abstract record SlackEnvelope;

public sealed record SlackUrlVerification(string Challenge) : SlackEnvelope;

/// <summary>An <c>event_callback</c>; <see cref="BotUserIds"/> are the bot users of the installation (to ignore our own messages).</summary>
public sealed record SlackEventCallback(string EventId, string? TeamId, string? ApiAppId, JsonObject Event, IReadOnlySet<string> BotUserIds) : SlackEnvelope;

/// <summary>A known envelope the bot has nothing to do with (e.g. <c>app_rate_limited</c>).</summary>
public sealed record SlackIgnoredEnvelope(string Type) : SlackEnvelope;

/// <summary>A user message the agent should answer, and where the answer goes (<see cref="ThreadTs"/> null = not threaded).</summary>
public sealed record SlackInboundMessage(TurnRequest Request, ChannelUser User, string Channel, string? ThreadTs);

/// <summary>Parses Events API bodies and picks out the messages the bot answers (protocols.md 3.2).</summary>
public static partial class SlackEventParser
{
    public const string ChannelName = "slack";

    public static SlackEnvelope Parse(ReadOnlySpan<byte> body)
    {
        JsonObject root = ParseObject(body, "event");
        string? type = (string?)root["type"];
        switch (type)
        {
            case "url_verification":
                return (string?)root["challenge"] is { Length: > 0 } challenge
                    ? new SlackUrlVerification(challenge)
                    : throw ChannelRequestException.BadRequest("MissingChallenge", "url_verification without a 'challenge'.");
            case "event_callback":
                if (root["event"] is not JsonObject evt)
                {
                    throw ChannelRequestException.BadRequest("MissingEvent", "event_callback without an 'event' object.");
                }

                if ((string?)root["event_id"] is not { Length: > 0 } eventId)
                {
                    throw ChannelRequestException.BadRequest("MissingEventId", "event_callback without an 'event_id'.");
                }

                var bots = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonNode? auth in root["authorizations"] as JsonArray ?? [])
                {
                    if (auth?["is_bot"] is JsonValue isBot && isBot.TryGetValue(out bool b) && b && (string?)auth["user_id"] is { Length: > 0 } botUser)
                    {
                        bots.Add(botUser);
                    }
                }

                return new SlackEventCallback(eventId, (string?)root["team_id"], (string?)root["api_app_id"], evt, bots);
            case "app_rate_limited":
                return new SlackIgnoredEnvelope(type);
            case null:
                throw ChannelRequestException.BadRequest("MissingType", "The Slack request has no 'type'.");
            default:
                throw ChannelRequestException.BadRequest("UnknownType", $"Unknown Slack envelope type '{type}'.");
        }
    }

    /// <summary>
    /// The message to answer, or null for events the bot must not answer: anything but <c>app_mention</c> and direct messages,
    /// edits/deletes/bot posts (any <c>subtype</c> or <c>bot_id</c>) and the bot's own messages: answering those loops.
    /// </summary>
    public static SlackInboundMessage? ToMessage(SlackEventCallback callback)
    {
        JsonObject evt = callback.Event;
        string? type = (string?)evt["type"];
        bool mention = type == "app_mention";
        bool direct = type == "message" && (string?)evt["channel_type"] == "im";
        if (!(mention || direct) || evt["subtype"] is not null || evt["bot_id"] is not null)
        {
            return null;
        }

        if ((string?)evt["user"] is not { Length: > 0 } user || callback.BotUserIds.Contains(user)
            || (string?)evt["channel"] is not { Length: > 0 } channel || (string?)evt["ts"] is not { Length: > 0 } ts)
        {
            return null;
        }

        string? threadTs = (string?)evt["thread_ts"];
        // In channels the answer goes in a thread under the mention; a DM is answered inline unless it was already threaded.
        string? replyThread = mention ? threadTs ?? ts : threadTs;
        string conversation = replyThread is null ? channel : $"{channel}:{replyThread}";
        string teamId = (string?)evt["team"] ?? callback.TeamId ?? string.Empty;
        var channelUser = new ChannelUser(ChannelName, user, TeamId: teamId.Length > 0 ? teamId : null);
        string text = CleanText((string?)evt["text"] ?? string.Empty, callback.BotUserIds);
        return new SlackInboundMessage(new TurnRequest(ChannelName, conversation, user, text), channelUser, channel, replyThread);
    }

    /// <summary>Slack mrkdwn to plain words: the bot's mention removed, other mentions and links unwrapped, entities decoded.</summary>
    public static string CleanText(string text, IReadOnlySet<string>? botUserIds = null)
    {
        text = LeadingMention().Replace(text, string.Empty);
        text = UserMention().Replace(text, m => botUserIds?.Contains(m.Groups["id"].Value) == true
            ? string.Empty
            : "@" + (m.Groups["label"].Success ? m.Groups["label"].Value : m.Groups["id"].Value));
        text = Link().Replace(text, m => m.Groups["label"].Success ? m.Groups["label"].Value : m.Groups["url"].Value);
        text = WebUtility.HtmlDecode(text);
        return Whitespace().Replace(text, " ").Trim();
    }

    internal static JsonObject ParseObject(ReadOnlySpan<byte> body, string what)
    {
        try
        {
            return StrictJson.Parse(body) as JsonObject
                ?? throw ChannelRequestException.BadRequest("NotAnObject", $"The Slack {what} must be a JSON object.");
        }
        catch (JsonException)
        {
            throw ChannelRequestException.BadRequest("MalformedJson", $"The Slack {what} is not valid JSON.");
        }
    }

    // app_mention text starts with the mention of the app; it is not part of the question.
    [GeneratedRegex(@"^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>")]
    private static partial Regex LeadingMention();

    [GeneratedRegex(@"<@(?<id>[UW][A-Z0-9]+)(\|(?<label>[^>]*))?>")]
    private static partial Regex UserMention();

    [GeneratedRegex(@"<(?<url>(https?|mailto):[^|>]+)(\|(?<label>[^>]*))?>")]
    private static partial Regex Link();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
