using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Plugins.Tests;

/// <summary>
/// A Kestrel server on 127.0.0.1 (free port) that records every request and answers with the queued responses in
/// order; with nothing queued it answers 418 so a test that sends more than it scripted fails loudly.
/// </summary>
internal sealed class ScriptedHubSpotServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ScriptedHubSpotServer()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<ScriptedHubSpotServer> StartAsync()
    {
        var server = new ScriptedHubSpotServer();
        await server._app.StartAsync();
        server.BaseUrl = new Uri(server._app.Urls.Single());
        return server;
    }

    public ScriptedHubSpotServer Enqueue(int status, string? json = null, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default)
    {
        _responses.Enqueue(new ScriptedResponse(status, json, headers ?? new Dictionary<string, string>(), delay));
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
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            body,
            DateTimeOffset.UtcNow));

        if (!_responses.TryDequeue(out ScriptedResponse? response))
        {
            context.Response.StatusCode = StatusCodes.Status418ImATeapot;
            await context.Response.WriteAsync("{\"message\":\"no scripted response\"}", context.RequestAborted);
            return;
        }

        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;  // the client gave up
            }
        }

        context.Response.StatusCode = response.Status;
        foreach ((string name, string value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Json, context.RequestAborted);
        }
    }

    private sealed record ScriptedResponse(int Status, string? Json, IReadOnlyDictionary<string, string> Headers, TimeSpan Delay);
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, string Authorization, string? ContentType, string Body, DateTimeOffset At)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The request had no JSON body.");
}
