using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Host.Tests.Hardening;

/// <summary>
/// Secrets come from configuration and never come back out: a host configured with recognisable secret values is driven
/// through its error paths (bad JWT, bad Slack signature, wrong API key and Direct Line secret, an LLM that answers 401 and
/// echoes the key it got) and no response and no log line of any level holds any of them. Also: oversized bodies are 413.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class SecretsTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["Bot:MicrosoftAppPassword"] = "BOTPASSWORD-s3cret-0001",
        ["Slack:SigningSecret"] = "SLACKSIGNING-s3cret-0002",
        ["Slack:BotToken"] = "xoxb-SLACKTOKEN-s3cret-0003",
        ["Events:ApiKey"] = "EVENTSKEY-s3cret-0004",
        ["DirectLine:Secret"] = "DIRECTLINE-s3cret-0005-0123456789abcdef",
        ["Llm:ApiKey"] = "LLMKEY-s3cret-0006",
    };

    private readonly string _directory = SeededWorkspaceFixture.Copy(fixture.Directory);
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task NoSecretAppearsInAnyResponseOrLog_OnTheErrorPaths()
    {
        // An OpenAI-compatible server that refuses the key and, like some providers, quotes it back.
        WebApplicationBuilder llmBuilder = WebApplication.CreateBuilder();
        llmBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        llmBuilder.Logging.ClearProviders();
        await using WebApplication llm = llmBuilder.Build();
        llm.MapPost("/v1/chat/completions", (HttpRequest r) => Results.Json(
            new { error = new { message = "Incorrect API key provided: " + r.Headers.Authorization, type = "invalid_request_error" } }, statusCode: 401));
        await llm.StartAsync();

        await using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("urls", "http://127.0.0.1:0") // a free port: the bot itself may be running on 3978
                .UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
                .UseSetting("Bot:MicrosoftAppId", "00000000-0000-0000-0000-00000000b07a").UseSetting("Bot:OpenIdMetadataUrl", "http://127.0.0.1:9/openid")
                .UseSetting("Llm:Endpoint", llm.Urls.First() + "/v1").UseSetting("Llm:ChatModel", "test-model").UseSetting("Llm:MaxRetries", "0")
                .UseSetting("Logging:LogLevel:Default", "Trace")
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
            foreach ((string key, string value) in Secrets)
            {
                b.UseSetting(key, value);
            }
        });
        factory.UseKestrel(0);
        factory.StartServer();
        using HttpClient client = factory.CreateClient();
        var answers = new List<string>();

        async Task Send(HttpMethod method, string path, string body, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach ((string name, string value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using HttpResponseMessage response = await client.SendAsync(request);
            answers.Add($"{(int)response.StatusCode} {response.Headers} {response.Content.Headers} {await response.Content.ReadAsStringAsync()}");
        }

        string activity = """{"type":"message","id":"m1","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/amer/","from":{"id":"29:x"},"conversation":{"id":"c1"},"text":"help"}""";
        await Send(HttpMethod.Post, "/api/messages", activity);
        await Send(HttpMethod.Post, "/api/messages", activity, ("Authorization", "Bearer not-a-jwt"));
        await Send(HttpMethod.Post, "/api/messages", activity, ("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMGIwN2EiLCJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2lnbmF0dXJl"));
        await Send(HttpMethod.Post, "/api/slack/events", """{"type":"url_verification","challenge":"x"}""", ("X-Slack-Request-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("X-Slack-Signature", "v0=00"));
        await Send(HttpMethod.Post, "/api/slack/interactivity", "payload=%7B%7D", ("X-Slack-Signature", "v0=00"));
        await Send(HttpMethod.Post, "/api/events", "[]", ("X-Api-Key", "wrong"));
        await Send(HttpMethod.Post, "/api/events", "[{\"type\":\"usage\"}]", ("X-Api-Key", Secrets["Events:ApiKey"]));
        await Send(HttpMethod.Post, "/v3/directline/tokens/generate", "{}", ("Authorization", "Bearer wrong-secret"));
        await Send(HttpMethod.Post, "/v3/directline/conversations", "{}", ("Authorization", "Bearer " + Secrets["DirectLine:Secret"][..^1]));
        await Send(HttpMethod.Post, "/api/ask", """{"question":"which accounts are most likely to churn?"}""");
        await Send(HttpMethod.Get, "/api/info", string.Empty);

        Assert.Contains(answers, a => a.Contains("language model refused the configured credentials", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("401", StringComparison.Ordinal));
        string logs = string.Join('\n', _logs.Entries.Select(e => e.Text));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Debug); // the capture really saw every level
        foreach ((string key, string secret) in Secrets)
        {
            Assert.False(answers.Any(a => a.Contains(secret, StringComparison.Ordinal)), $"{key} appeared in a response");
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"{key} appeared in the logs");
        }
    }

    [Theory]
    [InlineData("/api/messages")]
    [InlineData("/api/slack/events")]
    [InlineData("/api/ask")]
    [InlineData("/api/directline/token")]
    public async Task BodiesOverTheLimit_Get413WithAClearMessage(string path)
    {
        await using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("urls", "http://127.0.0.1:0") // a free port: the bot itself may be running on 3978
            .UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("Slack:SigningSecret", "s").ConfigureLogging(l => l.ClearProviders()));
        factory.UseKestrel(0);
        factory.StartServer();
        using HttpClient client = factory.CreateClient();
        string huge = "{\"type\":\"message\",\"text\":\"" + new string('x', 300 * 1024) + "\"}";

        using HttpResponseMessage response = await client.PostAsync(path, new StringContent(huge, Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Matches("(?i)large|limit", body);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
