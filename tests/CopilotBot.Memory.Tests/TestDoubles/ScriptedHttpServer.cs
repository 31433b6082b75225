using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Memory.Tests.TestDoubles;

/// <summary>One request the server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string PathAndQuery => Path + Query;

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>A scripted answer: status, body, content type, and an optional delay before answering.</summary>
public sealed record ScriptedResponse(int Status, string Body, TimeSpan Delay = default, string ContentType = "application/json");

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) answering every request with the next queued response and
/// recording what it received, so the typed clients are exercised over real sockets, retries and timeouts included.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly WebApplication _app;

    private ScriptedHttpServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<ScriptedHttpServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new ScriptedHttpServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.Single() + "/");
        return server;
    }

    public ScriptedHttpServer Enqueue(params ScriptedResponse[] responses)
    {
        foreach (ScriptedResponse response in responses)
        {
            _responses.Enqueue(response);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body));
        if (!_responses.TryDequeue(out ScriptedResponse? response))
        {
            response = new ScriptedResponse(500, """{"status":{"error":"script exhausted"},"time":0.0}""");
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
    }
}
