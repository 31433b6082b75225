using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotBot.Conversation;

/// <summary>
/// A card click's data as the agent acts on it: the verb and the flat string fields the product's buttons carry. Card data
/// comes back from the client, so it is read defensively: anything the product never sends (a verb that is not a string,
/// duplicate keys, a non-string function or arguments, arguments that are not a JSON object) makes the click unreadable and
/// it is refused in words, never acted on by a guess or turned into a server error.
/// </summary>
public sealed record CardValue(string Verb, IReadOnlyDictionary<string, string> Fields)
{
    public const string Refusal = "I couldn't read that button's data, so I did nothing. Please use the buttons on a fresh answer.";

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>The click's verb (empty when the data has none) and its fields, or null when the data is malformed.</summary>
    public static CardValue? Read(JsonObject value)
    {
        try
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string key, JsonNode? node) in value)
            {
                if (node is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    if (!fields.TryAdd(key, v.ToString()))
                    {
                        return null;
                    }
                }
            }

            // The verb and a confirmation's function and arguments are strings on every button the product makes.
            foreach (string key in (string[])["verb", "function", "arguments"])
            {
                if (value[key] is { } node && node.GetValueKind() is not JsonValueKind.String and not JsonValueKind.Null)
                {
                    return null;
                }
            }

            return new CardValue(value["verb"] is JsonValue verb && verb.GetValueKind() == JsonValueKind.String ? verb.GetValue<string>() : string.Empty, fields);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // JsonObject reports duplicate keys (ArgumentException) and odd values (InvalidOperationException) only when read.
            return null;
        }
    }

    /// <summary>A confirmation button's <c>arguments</c> (a JSON object as a string); null when it is anything else.</summary>
    public static Dictionary<string, object?>? ParseArguments(string? json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return result;
        }

        try
        {
            if (JsonNode.Parse(json, documentOptions: Strict) is not JsonObject arguments)
            {
                return null;
            }

            foreach ((string key, JsonNode? node) in arguments)
            {
                result[key] = node is JsonValue v ? v.ToString() : node?.ToJsonString();
            }

            return result;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // A tampered or truncated button payload: act on nothing rather than on a guess.
            return null;
        }
    }
}
