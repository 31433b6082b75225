using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Host.Cli;

/// <summary>The `ask --json` contract: one object per question with question, tool, arguments, reply, cards, evidence, confidence.</summary>
public static class AskOutput
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <param name="chartUrl">The Image URL for each chart: the default inlines it as a data URI; the CLI gives the file it wrote.</param>
    public static JsonObject ToJson(string question, TurnReply reply, Func<CardChart, string?>? chartUrl = null)
    {
        var arguments = new JsonObject();
        foreach ((string key, object? value) in reply.Arguments)
        {
            arguments[key] = value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType());
        }

        return new JsonObject
        {
            ["question"] = question,
            ["tool"] = reply.Tool,
            ["arguments"] = arguments,
            ["reply"] = reply.Text,
            ["cards"] = new JsonArray(reply.Cards.Select(c => (JsonNode)AdaptiveCardRenderer.Render(c, chartUrl ?? AdaptiveCardRenderer.DataUri)).ToArray()),
            ["evidence"] = new JsonArray(reply.Evidence.Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.Id,
                ["date"] = e.Date,
                ["account"] = e.AccountId,
                ["snippet"] = e.Snippet,
            }).ToArray()),
            ["confidence"] = Math.Round(reply.Confidence, 4),
        };
    }

    public static string Serialize(JsonNode node) => node.ToJsonString(Compact);
}
