using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Host.Tests;

/// <summary>
/// Nothing the user typed, and no secret, reaches the logs at Information or above: several turns over the web API, the
/// Bot Framework endpoint and the chat page's Direct Line (questions with a secret-looking token, an email address and a
/// name), with a language model that fails, all through a logger that records every entry the host writes.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class LogPrivacyTests(SeededWorkspaceFixture fixture)
{
    private const string Secret = "sk-live-51Hc0ff33Deadbeef00042";
    private const string Email = "pat.doe@example.com";
    private const string LlmKey = "sk-llm-key-do-not-log-9911";

    [Fact]
    public async Task TurnsWithSecretsEmailsAndQuestions_LeaveNoUserTextInInformationLogs()
    {
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{\"id\":\"r1\"}");
        });
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, _) =>
        {
            // The provider echoes the request, as some error bodies do.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"bad request for key " + LlmKey + "\"}}");
        });
        var capture = new CapturingLoggerProvider();
        string[] questions =
        [
            $"which accounts are most at risk? my api token is {Secret}",
            $"draft a save email to P10342 and copy {Email}",
            "remind me to call Zebulon Quartermaine next Friday",
            $"why is the second one red? {Secret}",
        ];
        using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", SeededWorkspaceFixture.Copy(fixture.Directory)).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("Llm:Endpoint", llm.BaseUrl + "/v1").UseSetting("Llm:ChatModel", "scripted-model").UseSetting("Llm:ApiKey", LlmKey)
            .ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture))));
        using HttpClient client = factory.CreateClient();

        foreach (string question in questions)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/ask", new { question })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/ask", new { question = questions[0], user = Email })).StatusCode);
        foreach (string question in questions[..2])
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", ObservabilityTests.TeamsMessage(connector.BaseUrl, question))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/?as=admin&q={Uri.EscapeDataString(questions[0])}")).StatusCode);
        await DirectLineTurnAsync(client, questions[1]);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (connector.Requests.Count(r => r.Body.Contains("\"type\":\"message\"", StringComparison.Ordinal)) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        IReadOnlyList<CapturedLog> logs = capture.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        // The capture works: the host's own Information and Warning lines are there (the LLM fallback among them).
        Assert.Contains(logs, e => e.Message.Contains("Language model request failed with HTTP 400", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Message.Contains("UNAUTHENTICATED", StringComparison.Ordinal));
        string[] forbidden = [Secret, Email, LlmKey, "Zebulon", "Quartermaine", "most at risk", "second one red", "save email to", "eyJ"];
        foreach (CapturedLog entry in logs)
        {
            foreach (string word in forbidden)
            {
                Assert.False(entry.Text.Contains(word, StringComparison.OrdinalIgnoreCase), $"[{entry.Level}] {entry.Category}: '{word}' in {entry.Text}");
            }
        }
    }

    private static async Task DirectLineTurnAsync(HttpClient client, string text)
    {
        JsonObject grant = (await (await client.PostAsJsonAsync("/api/directline/token", new { user = new { id = "dana.whitfield" } })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        start.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)grant["token"]!);
        JsonObject conversation = (await (await client.SendAsync(start)).Content.ReadFromJsonAsync<JsonObject>())!;
        string id = (string)conversation["conversationId"]!;
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{id}/activities")
        {
            Content = JsonContent.Create(new { type = "message", text, from = new { id = "dana.whitfield" } }),
        };
        post.Headers.Authorization = start.Headers.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(post)).StatusCode);

        // The page's websocket URL carries the token in its query (?t=); the poll carries the watermark.
        using var poll = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{id}/activities?watermark=0&t={(string)grant["token"]!}");
        poll.Headers.Authorization = start.Headers.Authorization;
        await client.SendAsync(poll);
    }
}

public sealed record CapturedLog(LogLevel Level, string Category, string Message, string Text);

/// <summary>Records every log entry (message, each structured value, the exception) from every category.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            var text = new System.Text.StringBuilder(message);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (KeyValuePair<string, object?> value in values)
                {
                    text.Append(" | ").Append(value.Key).Append('=').Append(value.Value);
                }
            }

            text.Append(" | ").Append(exception);
            entries.Enqueue(new CapturedLog(logLevel, category, message, text.ToString()));
        }
    }
}
