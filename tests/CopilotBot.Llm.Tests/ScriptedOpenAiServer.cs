using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Llm.Tests;

/// <summary>One request the server received: its headers and JSON body.</summary>
public sealed record RecordedRequest(IReadOnlyDictionary<string, string> Headers, JsonObject Body, string Path = "")
{
    public JsonArray Messages => Body["messages"]!.AsArray();

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;
}

/// <summary>A scripted response: a status, a raw body, and an optional delay before answering.</summary>
/// <param name="Endless">Send the status and the start of <paramref name="Body"/>, then a space every 100 ms, never ending.</param>
public sealed record ScriptedResponse(int Status, string Body, TimeSpan Delay = default, bool Endless = false, string ContentType = "application/json");

/// <summary>
/// A real OpenAI-compatible server (Kestrel on 127.0.0.1, a free port) that answers <c>POST /v1/chat/completions</c>
/// with queued responses and records every request, so the real OpenAI client is exercised over real HTTP.
/// </summary>
public sealed class ScriptedOpenAiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly WebApplication _app;

    private ScriptedOpenAiServer(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The server's root, as an Azure OpenAI resource URL.</summary>
    public string RootUrl => BaseUrl[..^"/v1".Length];

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<ScriptedOpenAiServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new ScriptedOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        // Azure OpenAI's deployment route, as Semantic Kernel's Azure connector calls it.
        app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.Single() + "/v1";
        return server;
    }

    public ScriptedOpenAiServer Enqueue(ScriptedResponse response)
    {
        _responses.Enqueue(response);
        return this;
    }

    public ScriptedOpenAiServer EnqueueText(string text) => Enqueue(new ScriptedResponse(200, Completions.Text(text)));

    /// <summary>A streamed answer (server-sent events): one chunk per piece of text, then [DONE].</summary>
    public ScriptedOpenAiServer EnqueueStream(params string[] pieces) =>
        Enqueue(new ScriptedResponse(200, Completions.Stream(pieces), ContentType: "text/event-stream"));

    public ScriptedOpenAiServer EnqueueToolCalls(params (string Id, string Name, string Arguments)[] calls) =>
        Enqueue(new ScriptedResponse(200, Completions.ToolCalls(calls)));

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(headers, JsonNode.Parse(body)!.AsObject(), context.Request.Path + context.Request.QueryString));

        if (!_responses.TryDequeue(out ScriptedResponse? response))
        {
            response = new ScriptedResponse(500, """{"error":{"message":"script exhausted","type":"server_error"}}""");
        }

        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body);
        while (response.Endless && !context.RequestAborted.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, context.RequestAborted);
                await context.Response.WriteAsync(" ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Chat-completion response bodies as an OpenAI-compatible server writes them.</summary>
public static class Completions
{
    public static string Text(string content) => Wrap(new JsonObject { ["role"] = "assistant", ["content"] = content }, "stop");

    public static string ToolCalls(params (string Id, string Name, string Arguments)[] calls)
    {
        var toolCalls = new JsonArray();
        foreach ((string id, string name, string arguments) in calls)
        {
            toolCalls.Add(new JsonObject
            {
                ["id"] = id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
            });
        }

        return Wrap(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = toolCalls }, "tool_calls");
    }

    public static string Stream(params string[] pieces)
    {
        var events = new System.Text.StringBuilder();
        for (int i = 0; i <= pieces.Length; i++)
        {
            var delta = i < pieces.Length ? new JsonObject { ["content"] = pieces[i] } : new JsonObject();
            if (i == 0)
            {
                delta["role"] = "assistant";
            }

            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-stream",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_760_000_000,
                ["model"] = "test-model",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = i < pieces.Length ? null : "stop" }),
            };
            events.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        }

        return events.Append("data: [DONE]\n\n").ToString();
    }

    public static string Error(HttpStatusCode status, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "error", ["code"] = ((int)status).ToString() } }.ToJsonString();

    private static string Wrap(JsonObject message, string finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion",
        ["created"] = 1_760_000_000,
        ["model"] = "test-model",
        ["choices"] = new JsonArray
        {
            new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason },
        },
        ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
    }.ToJsonString();
}
