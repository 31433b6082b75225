using System.Text.Json;
using CopilotBot.Channels.Common;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// Turns a request body into an <see cref="Activity"/>, or a <see cref="ChannelRequestException"/> (400) that says what is
/// wrong, so a malformed post never reaches the agent and never becomes a 500.
/// </summary>
public static class ActivityParser
{
    public static Activity Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw ChannelRequestException.BadRequest("EmptyBody", "The request body is empty; expected a Bot Framework activity (JSON object).");
        }

        Activity? activity;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw ChannelRequestException.BadRequest("NotAnObject", "The activity must be a JSON object.");
            }

            activity = JsonSerializer.Deserialize<Activity>(body, ActivityJson.Options);
        }
        catch (JsonException ex)
        {
            // The reader's message names the position (line/byte) without echoing the payload.
            string where = ex.Path is { Length: > 0 } path ? $" at {path}" : ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine})" : string.Empty;
            throw ChannelRequestException.BadRequest("MalformedJson", $"The activity is not valid JSON{where}.");
        }

        if (activity is null)
        {
            throw ChannelRequestException.BadRequest("NotAnObject", "The activity must be a JSON object.");
        }

        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            throw ChannelRequestException.BadRequest("MissingType", "The activity has no 'type'.");
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            throw ChannelRequestException.BadRequest("MissingConversationId", "The activity has no 'conversation.id'.");
        }

        if (activity.ServiceUrl is { Length: > 0 } serviceUrl
            && !(Uri.TryCreate(serviceUrl, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            throw ChannelRequestException.BadRequest("InvalidServiceUrl", "The activity's 'serviceUrl' is not an absolute http(s) URL.");
        }

        return activity;
    }
}
