using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.AspNetCore.WebUtilities;

namespace CopilotBot.Channels.Slack;

/// <summary>One clicked element of a <c>block_actions</c> payload.</summary>
public sealed record SlackBlockAction(string Type, string ActionId, string? BlockId, string? Value, string? Url, string? ActionTs);

/// <summary>
/// An interactivity payload: who clicked what, on which message, and the message's current input values; for a click, the
/// <see cref="TriggerId"/> that may open a modal; for a modal's submission (<c>view_submission</c>), the <see cref="View"/>.
/// </summary>
public sealed record SlackInteraction(
    string Type,
    string? UserId,
    string? TeamId,
    string? ChannelId,
    string? MessageTs,
    string? ThreadTs,
    string? ResponseUrl,
    IReadOnlyList<SlackBlockAction> Actions,
    JsonObject? StateValues,
    string? TriggerId = null,
    SlackView? View = null);

/// <summary>The submitted modal: its id and hash (one submission each), callback id, our private metadata and the typed values.</summary>
public sealed record SlackView(string? Id, string? Hash, string? CallbackId, string? PrivateMetadata, JsonObject? StateValues);

/// <summary>A modal's submission as a turn, and where its answer goes (the channel and thread of the card that opened it; that card's ts).</summary>
public sealed record SlackSubmission(TurnRequest Turn, string Channel, string? ThreadTs, string? MessageTs);

/// <summary>Parses the <c>payload=</c> form field of interactivity requests and maps button clicks to card actions (protocols.md 3.3).</summary>
public static class SlackInteractivityParser
{
    public static SlackInteraction Parse(ReadOnlySpan<byte> formBody)
    {
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(formBody));
        if (!form.TryGetValue("payload", out var payloadValues) || string.IsNullOrEmpty(payloadValues.ToString()))
        {
            throw ChannelRequestException.BadRequest("MissingPayload", "The interactivity request has no 'payload' field.");
        }

        JsonObject payload;
        try
        {
            payload = StrictJson.Parse(StrictPayload(formBody) ?? payloadValues.ToString()) as JsonObject
                ?? throw ChannelRequestException.BadRequest("NotAnObject", "The interactivity payload must be a JSON object.");
        }
        catch (JsonException)
        {
            throw ChannelRequestException.BadRequest("MalformedJson", "The interactivity payload is not valid JSON.");
        }

        string type = (string?)payload["type"] ?? throw ChannelRequestException.BadRequest("MissingType", "The interactivity payload has no 'type'.");
        var actions = new List<SlackBlockAction>();
        foreach (JsonNode? node in payload["actions"] as JsonArray ?? [])
        {
            if (node is JsonObject a && (string?)a["action_id"] is { Length: > 0 } actionId)
            {
                actions.Add(new SlackBlockAction((string?)a["type"] ?? "button", actionId, (string?)a["block_id"], (string?)a["value"], (string?)a["url"], (string?)a["action_ts"]));
            }
        }

        JsonNode? container = payload["container"];
        JsonNode? message = payload["message"];
        SlackView? view = payload["view"] is JsonObject v && type == "view_submission"
            ? new SlackView((string?)v["id"], (string?)v["hash"], (string?)v["callback_id"], (string?)v["private_metadata"], v["state"]?["values"] as JsonObject)
            : null;
        return new SlackInteraction(
            type,
            (string?)payload["user"]?["id"],
            (string?)payload["team"]?["id"] ?? (string?)payload["user"]?["team_id"],
            (string?)container?["channel_id"] ?? (string?)payload["channel"]?["id"],
            (string?)container?["message_ts"] ?? (string?)message?["ts"],
            (string?)container?["thread_ts"] ?? (string?)message?["thread_ts"],
            (string?)payload["response_url"],
            actions,
            payload["state"]?["values"] as JsonObject,
            (string?)payload["trigger_id"],
            view);
    }

    /// <summary>
    /// What a form modal carries in <c>private_metadata</c> (<see cref="BlockKitRenderer.RenderModal"/>): the submit button's
    /// <c>{"verb", ...data}</c> and where the card that opened it is, so the answer lands there.
    /// </summary>
    public static string FormMetadata(CardAction submit, string channel, string? threadTs, string? messageTs)
    {
        var value = new JsonObject { ["verb"] = submit.Verb };
        foreach ((string key, string v) in submit.Data)
        {
            if (key != "verb")
            {
                value[key] = v;
            }
        }

        var metadata = new JsonObject { ["value"] = value, ["channel"] = channel };
        if (threadTs is { Length: > 0 })
        {
            metadata["thread_ts"] = threadTs;
        }

        if (messageTs is { Length: > 0 })
        {
            metadata["message_ts"] = messageTs;
        }

        return metadata.ToJsonString();
    }

    /// <summary>
    /// The turn for a submitted form modal: the submit button's <c>{"verb", ...data}</c> from the metadata with the typed
    /// values merged in as strings (the same shape a Teams form's Action.Submit produces). Null when the modal is not one
    /// of ours or its metadata is unreadable.
    /// </summary>
    public static SlackSubmission? ToSubmissionTurn(SlackInteraction interaction)
    {
        if (interaction.View is not { CallbackId: BlockKitRenderer.ModalCallbackId, PrivateMetadata: { Length: > 0 } raw } view
            || interaction.UserId is not { Length: > 0 } user)
        {
            return null;
        }

        JsonObject? metadata;
        try
        {
            metadata = StrictJson.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (metadata?["value"] is not JsonObject value || (string?)value["verb"] is not { Length: > 0 } || (string?)metadata["channel"] is not { Length: > 0 } channel)
        {
            return null;
        }

        value = (JsonObject)value.DeepClone();
        MergeInputs(value, view.StateValues);
        string? thread = (string?)metadata["thread_ts"];
        string conversation = thread is { Length: > 0 } ? $"{channel}:{thread}" : channel;
        return new SlackSubmission(new TurnRequest(SlackEventParser.ChannelName, conversation, user, string.Empty, value), channel, thread, (string?)metadata["message_ts"]);
    }

    private static void MergeInputs(JsonObject value, JsonObject? stateValues)
    {
        foreach ((string _, JsonNode? block) in stateValues ?? [])
        {
            foreach ((string inputId, JsonNode? input) in block as JsonObject ?? [])
            {
                if (InputValue(input) is { } inputValue && inputId != "verb")
                {
                    value[inputId] = inputValue;
                }
            }
        }
    }

    /// <summary>
    /// The <c>payload</c> field decoded strictly: percent-escapes that are not UTF-8 throw (a 400 at the endpoint) instead of
    /// turning into U+FFFD, which the lenient form reader does.
    /// </summary>
    private static string? StrictPayload(ReadOnlySpan<byte> formBody)
    {
        foreach (string field in Encoding.ASCII.GetString(formBody).Split('&'))
        {
            if (!field.StartsWith("payload=", StringComparison.Ordinal))
            {
                continue;
            }

            var bytes = new List<byte>(field.Length);
            for (int i = "payload=".Length; i < field.Length; i++)
            {
                char c = field[i];
                if (c == '%' && i + 2 < field.Length && byte.TryParse(field.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out byte b))
                {
                    bytes.Add(b);
                    i += 2;
                }
                else
                {
                    bytes.Add(c == '+' ? (byte)' ' : (byte)c);
                }
            }

            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }

        return null;
    }

    /// <summary>
    /// The turn for a clicked button: its <c>value</c> is the JSON the Block Kit renderer wrote (<c>{"verb", ...data}</c>), and
    /// the message's inputs are merged in as strings, like Action.Submit. Null when the button is not one of ours.
    /// </summary>
    public static TurnRequest? ToTurn(SlackInteraction interaction, SlackBlockAction action)
    {
        if (interaction.UserId is not { Length: > 0 } user || interaction.ChannelId is not { Length: > 0 } channel)
        {
            return null;
        }

        JsonObject? value = null;
        if (action.Value is { Length: > 0 } raw && raw.TrimStart().StartsWith('{'))
        {
            try
            {
                value = StrictJson.Parse(raw) as JsonObject;
            }
            catch (JsonException)
            {
                value = null;
            }
        }

        if (value is null || (string?)value["verb"] is not { Length: > 0 })
        {
            return null;
        }

        MergeInputs(value, interaction.StateValues);
        string conversation = interaction.ThreadTs is { Length: > 0 } thread ? $"{channel}:{thread}" : channel;
        return new TurnRequest(SlackEventParser.ChannelName, conversation, user, string.Empty, value);
    }

    private static string? InputValue(JsonNode? input) => input switch
    {
        not JsonObject => null,
        _ when (string?)input["value"] is { } text => text,
        // A text box left empty comes back as null: it was cleared, which is not the same as not being there.
        _ when (string?)input["type"] == "plain_text_input" => string.Empty,
        _ when (string?)input["selected_option"]?["value"] is { } option => option,
        _ when (string?)input["selected_date"] is { } date => date,
        _ when input["selected_options"] is JsonArray many => string.Join(",", many.Select(o => (string?)o?["value"]).OfType<string>()),
        _ => null,
    };
}
