using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests;

/// <summary>Chat-completion bodies as an OpenAI-compatible server writes them, for the hosts' scripted language models.</summary>
internal static class ChatCompletions
{
    /// <summary>An answer in words (<paramref name="text"/>) or a call of <paramref name="tool"/> with <paramref name="arguments"/>.</summary>
    public static string Json(string? tool, string? text, string? arguments = null)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        if (tool is not null)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_1",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? "{}" },
            });
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = "scripted-model",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = tool is null ? "stop" : "tool_calls" }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 21, ["completion_tokens"] = 7, ["total_tokens"] = 28 },
        }.ToJsonString();
    }
}
