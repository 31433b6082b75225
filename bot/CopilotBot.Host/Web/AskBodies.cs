using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;

namespace CopilotBot.Host.Web;

/// <summary>What <c>POST /api/ask</c> answers when its body cannot be read: a 4xx that says what to send, never a 500.</summary>
internal static class AskBodies
{
    /// <summary>Duplicate keys are refused (which copy would win is nobody's guess); nesting is bounded.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false, MaxDepth = StrictJson.MaxDepth };

    private const string Shape = "The body must be JSON: {\"question\": \"…\", \"user\": \"user id\"}.";

    /// <summary>
    /// The fields, each of the type it must have, or null when any has another: <c>question</c>, <c>user</c> and
    /// <c>conversation</c> are strings, <c>value</c> an object (null or absent is allowed for each). A wrong type is the
    /// sender's error (400) and never falls back to a default: <c>{"user": ["riley.chen"]}</c> must not act as the admin.
    /// </summary>
    public static AskBody? Read(JsonNode? body)
    {
        if (body is not JsonObject obj)
        {
            return null;
        }

        _ = obj.Count; // materialises the properties: duplicate keys show here, as an exception the caller maps to 400
        if (!TryString(obj, "question", out string? question) || !TryString(obj, "user", out string? user) || !TryString(obj, "conversation", out string? conversation))
        {
            return null;
        }

        JsonNode? value = obj["value"];
        if (value is not null and not JsonObject)
        {
            return null;
        }

        return new AskBody(question, user, conversation, (JsonObject?)value?.DeepClone());
    }

    public static IResult WrongShape() => Results.Problem("A field has the wrong type: 'question', 'user' and 'conversation' are strings, 'value' an object. " + Shape, statusCode: 400);

    private static bool TryString(JsonObject obj, string name, out string? text)
    {
        text = null;
        switch (obj[name])
        {
            case null:
                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                text = v.GetValue<string>();
                return true;
            default:
                return false;
        }
    }

    /// <summary>The refusal for an exception thrown while reading the body, or null when it is not the sender's fault.</summary>
    public static IResult? Refusal(HttpRequest request, Exception exception) => exception switch
    {
        BadHttpRequestException bad => Results.Problem(
            bad.StatusCode == 413 ? $"The body is larger than the host's limit ({WebHost.MaxBodyBytes / 1024} KB)." : "The body could not be read.",
            statusCode: bad.StatusCode),
        System.Text.Json.JsonException => Results.Problem(Shape, statusCode: 400),
        InvalidOperationException when !request.HasJsonContentType() => Results.Problem("Send the body as application/json. " + Shape, statusCode: 415),
        _ when ChannelRequestException.IsShapeError(exception) => Results.Problem("A field has the wrong type or is not valid text. " + Shape, statusCode: 400),
        _ => null,
    };
}

/// <summary>A <c>POST /api/ask</c> body, each field of its type.</summary>
internal sealed record AskBody(string? Question, string? User, string? Conversation, JsonObject? Value);
