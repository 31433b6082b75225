using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// The Bot Framework Activity (the subset this bot reads or writes). Unknown fields are tolerated on the way in, because
/// channels add fields without notice; timestamps stay strings because activities must never be rejected by time.
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }

    public string? Id { get; init; }

    public string? Timestamp { get; init; }

    public string? LocalTimestamp { get; init; }

    public string? ServiceUrl { get; init; }

    public string? ChannelId { get; init; }

    public ChannelAccount? From { get; init; }

    public ChannelAccount? Recipient { get; init; }

    public ConversationAccount? Conversation { get; init; }

    public string? ReplyToId { get; init; }

    public string? Text { get; init; }

    public string? TextFormat { get; init; }

    public string? Summary { get; init; }

    public string? InputHint { get; init; }

    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public string? AttachmentLayout { get; init; }

    public JsonNode? Value { get; init; }

    public string? Name { get; init; }

    /// <summary>installationUpdate: <c>add</c> / <c>remove</c> (and the Teams <c>-upgrade</c> variants).</summary>
    public string? Action { get; init; }

    public JsonObject? ChannelData { get; init; }

    public string? Locale { get; init; }

    public IReadOnlyList<JsonObject>? Entities { get; init; }

    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }

    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
}

public sealed record ChannelAccount(string? Id, string? Name = null)
{
    public string? AadObjectId { get; init; }

    public string? Role { get; init; }
}

public sealed record ConversationAccount(string? Id)
{
    public string? Name { get; init; }

    public bool? IsGroup { get; init; }

    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c> in Teams.</summary>
    public string? ConversationType { get; init; }

    public string? TenantId { get; init; }
}

public sealed record Attachment(string ContentType, JsonNode? Content = null)
{
    public string? ContentUrl { get; init; }

    public string? Name { get; init; }
}

/// <summary>What the Bot Connector answers to a send/reply/update: the activity's id.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>
/// The HTTP body of an invoke response. <c>statusCode</c> inside the body is what the client acts on; the HTTP status stays 200.
/// </summary>
public sealed record InvokeResponseBody(int StatusCode, string Type, JsonNode? Value);

/// <summary>Activity types and well-known names.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string Invoke = "invoke";
    public const string Typing = "typing";

    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    public const string AdaptiveCardResponseType = "application/vnd.microsoft.card.adaptive";
    public const string MessageResponseType = "application/vnd.microsoft.activity.message";
    public const string ErrorResponseType = "application/vnd.microsoft.error";
}

/// <summary>The one set of serializer options for activities: camelCase, nulls omitted, unknown fields ignored.</summary>
public static class ActivityJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Channels are camelCase, but an odd casing from a test tool should not make a required field look missing.
        PropertyNameCaseInsensitive = true,
        // A duplicate key (in the activity or inside its free-form value) is the sender's error: 400, not whichever copy wins.
        AllowDuplicateProperties = false,
        MaxDepth = Common.StrictJson.MaxDepth,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
