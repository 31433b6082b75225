using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotBot.Channels.Common;

/// <summary>
/// How every inbound JSON body is read: a duplicate property is an error (<c>{"account":"A","account":"B"}</c> would
/// otherwise mean whichever one a reader happens to keep, or throw later, deep inside a turn), and nesting is bounded.
/// </summary>
public static class StrictJson
{
    public const int MaxDepth = 64;

    public static readonly JsonDocumentOptions Document = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: Document);

    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: Document);
}
