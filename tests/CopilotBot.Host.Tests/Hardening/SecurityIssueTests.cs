using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Host.Web;
using CopilotBot.Workspace;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Host.Tests.Hardening;

/// <summary>
/// Issue #17 ("what an outside probe broke"): each test reproduces one finding against a real host on Kestrel over
/// loopback (ephemeral port) with a copy of the seeded SQLite workspace.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class SecurityIssueTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private readonly string _directory = SeededWorkspaceFixture.Copy(fixture.Directory);
    private readonly CapturingLoggerProvider _logs = new();

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

    private WebApplicationFactory<Program> Host(params (string Key, string Value)[] settings)
    {
        WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("urls", "http://127.0.0.1:0").UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
                .UseSetting("RateLimits:TurnsPerMinute", "0").ConfigureLogging(l => l.AddProvider(_logs));
            foreach ((string key, string value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static HttpRequestMessage Post(string path, string body, string contentType, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static string AgentCommand(string id, string text) => new JsonObject
    {
        ["type"] = "message", ["id"] = id, ["channelId"] = "msteams", ["from"] = new JsonObject { ["id"] = "evil" },
        ["recipient"] = new JsonObject { ["id"] = "bot" }, ["conversation"] = new JsonObject { ["id"] = "c-" + id, ["conversationType"] = "personal" },
        ["text"] = text,
    }.ToJsonString();

    private async Task<int> AuditCountAsync(string action)
    {
        CopilotWorkspace workspace = CopilotWorkspace.Open(_directory);
        return (await workspace.Audit.ReadAsync(cancellationToken: CancellationToken.None)).Count(e => e.Action == action);
    }

    // ---- 1. Cross-site request forgery in anonymous local mode ----

    [Fact]
    public async Task ApiMessages_RefusesCrossSiteBrowserPosts_AndTheAgentIsNotTouched()
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();

        // The probe: fetch(..., {mode:'no-cors', headers:{'Content-Type':'text/plain'}}) from another origin.
        HttpResponseMessage noCors = await client.SendAsync(Post("/api/messages", AgentCommand("x1", "/agent stop"), "text/plain;charset=UTF-8",
            ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors")), CancellationToken.None);
        // The same without the browser headers (older browsers), and as JSON with a foreign Origin.
        HttpResponseMessage plain = await client.SendAsync(Post("/api/messages", AgentCommand("x2", "/agent stop"), "text/plain"), CancellationToken.None);
        HttpResponseMessage foreignJson = await client.SendAsync(Post("/api/messages", AgentCommand("x3", "/agent stop"), "application/json",
            ("Origin", "http://evil.example")), CancellationToken.None);
        HttpResponseMessage crossSiteAsk = await client.SendAsync(Post("/api/ask", "{\"question\":\"/agent stop\"}", "application/json",
            ("Sec-Fetch-Site", "cross-site")), CancellationToken.None);
        await Task.Delay(1500, CancellationToken.None); // a queued turn would have run by now

        Assert.Equal(HttpStatusCode.Forbidden, noCors.StatusCode); // the browser said cross-site: refused before the body is read
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignJson.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSiteAsk.StatusCode);
        Assert.Equal(0, await AuditCountAsync("agent.stop"));
    }

    [Fact]
    public async Task SameOriginPage_StillWorks_WithItsOwnOrigin()
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();
        string origin = client.BaseAddress!.GetLeftPart(UriPartial.Authority);

        HttpResponseMessage ask = await client.SendAsync(Post("/api/ask", "{\"question\":\"help\"}", "application/json",
            ("Origin", origin), ("Sec-Fetch-Site", "same-origin")), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
    }

    // ---- 2. A link may at most pre-fill a question ----

    [Fact]
    public async Task ChatPages_PrefillTheQuestionFromTheUrl_ButNeverSendIt()
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();

        string page = await client.GetStringAsync("/", CancellationToken.None);
        string simple = await client.GetStringAsync("/simple.html", CancellationToken.None);

        // Web Chat: the URL's question goes into the send box (WEB_CHAT/SET_SEND_BOX); only the person's click sends it.
        Assert.Contains("WEB_CHAT/SET_SEND_BOX", page, StringComparison.Ordinal);
        Assert.DoesNotContain("WEB_CHAT/SEND_MESSAGE", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"send\(\s*params\.get\(", simple);
        Assert.Matches(@"question'\)\.value\s*=\s*params\.get\('q'\)", simple);
    }

    // ---- 3. Host header (DNS rebinding) ----

    [Fact]
    public async Task AnonymousLocalMode_ServesOnlyLoopbackHostNames_UnlessConfigured()
    {
        using WebApplicationFactory<Program> host = Host();
        using WebApplicationFactory<Program> configured = Host(("AllowedHosts", "bot.internal.example"));
        using HttpClient client = host.CreateClient();
        using HttpClient configuredClient = configured.CreateClient();

        HttpResponseMessage rebound = await client.SendAsync(WithHost(Ask(), "evil.example:5101"), CancellationToken.None);
        HttpResponseMessage local = await client.SendAsync(WithHost(Ask(), "localhost:5101"), CancellationToken.None);
        HttpResponseMessage loopback = await client.SendAsync(Ask(), CancellationToken.None);
        HttpResponseMessage allowed = await configuredClient.SendAsync(WithHost(Ask(), "bot.internal.example"), CancellationToken.None);
        HttpResponseMessage notAllowed = await configuredClient.SendAsync(WithHost(Ask(), "evil.example"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);
        Assert.DoesNotContain("P1", await rebound.Content.ReadAsStringAsync(CancellationToken.None), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed.StatusCode);

        static HttpRequestMessage Ask() => Post("/api/ask", "{\"question\":\"how much ARR is at risk in EMEA?\"}", "application/json");
        static HttpRequestMessage WithHost(HttpRequestMessage request, string hostHeader)
        {
            request.Headers.Host = hostHeader;
            return request;
        }
    }

    [Fact]
    public void StartupWarning_NamesNonLoopbackAddresses_InAnonymousMode()
    {
        Assert.Equal(["http://0.0.0.0:5101", "http://[::]:80", "http://+:5000", "http://bot.example.com:5101"],
            LocalModeExposure.NonLoopback(["http://0.0.0.0:5101", "http://127.0.0.1:5101", "http://localhost:5101", "http://[::1]:1", "http://[::]:80", "http://+:5000", "http://bot.example.com:5101"]));
    }

    [Fact]
    public async Task Startup_LogsAWarning_WhenAnonymousModeListensBeyondLoopback()
    {
        string[] args = ["--urls", "http://0.0.0.0:0", "--Copilot:Workspace", _directory, "--Copilot:Now", SeededWorkspaceFixture.Today];
        await using Microsoft.AspNetCore.Builder.WebApplication app = WebHost.Build(HostSettings.Resolve(_directory, SeededWorkspaceFixture.Today, null, null), args);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);

        await app.StartAsync(CancellationToken.None);
        await app.StopAsync(CancellationToken.None);

        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("0.0.0.0", StringComparison.Ordinal)
            && e.Text.Contains("not only loopback", StringComparison.OrdinalIgnoreCase));
    }

    // ---- 5 and 9. Wrong types and malformed card data: a 4xx or a polite reply, never a 500 ----

    [Theory]
    [InlineData("{\"user\":[\"riley.chen\"],\"question\":\"help\"}")]
    [InlineData("{\"user\":{\"id\":\"riley.chen\"},\"question\":\"help\"}")]
    [InlineData("{\"user\":42,\"question\":\"help\"}")]
    [InlineData("{\"question\":[\"help\"]}")]
    [InlineData("{\"question\":\"help\",\"conversation\":{}}")]
    [InlineData("{\"value\":\"churn.explain\"}")]
    [InlineData("{\"value\":{\"verb\":\"churn.explain\",\"account\":\"P10521\",\"account\":\"P10170\"}}")]
    [InlineData("{\"question\":\"help\",\"question\":\"/agent stop\"}")]
    public async Task ApiAsk_Answers400_ForWrongTypesAndDuplicateKeys(string body)
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();

        HttpResponseMessage response = await client.SendAsync(Post("/api/ask", body, "application/json"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(CancellationToken.None), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"verb\":1}")]
    [InlineData("{\"verb\":\"confirm\",\"function\":\"crm.create_task\",\"arguments\":\"[1,2]\"}")]
    [InlineData("{\"verb\":\"confirm\",\"function\":7,\"arguments\":\"{}\"}")]
    [InlineData("{\"verb\":\"confirm\",\"function\":\"crm.create_task\",\"arguments\":{\"title\":\"x\"}}")]
    [InlineData("{\"verb\":\"churn.explain\",\"account\":{\"id\":\"P10521\"}}")]
    public async Task CardData_IsRefusedPolitely_OnAskDirectLineAndBotFrameworkInvoke(string value)
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();
        string admin = (string)JsonNode.Parse(await client.GetStringAsync("/api/info", CancellationToken.None))!["users"]!.AsArray()
            .First(u => (string?)u!["role"] == "admin")!["id"]!;

        HttpResponseMessage ask = await client.SendAsync(Post("/api/ask", $"{{\"user\":\"{admin}\",\"value\":{value}}}", "application/json"), CancellationToken.None);
        string invokeBody = "{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"id\":\"inv-1\",\"channelId\":\"msteams\",\"from\":{\"id\":\"29:u\"},"
            + "\"recipient\":{\"id\":\"28:bot\"},\"conversation\":{\"id\":\"c-inv\",\"conversationType\":\"personal\"},"
            + $"\"value\":{{\"action\":{{\"type\":\"Action.Execute\",\"verb\":\"x\",\"data\":{value}}},\"trigger\":\"manual\"}}}}";
        string submitBody = "{\"type\":\"message\",\"id\":\"sub-1\",\"channelId\":\"msteams\",\"from\":{\"id\":\"29:u\"},"
            + $"\"recipient\":{{\"id\":\"28:bot\"}},\"conversation\":{{\"id\":\"c-sub\",\"conversationType\":\"personal\"}},\"value\":{value}}}";
        HttpResponseMessage invoke = await client.SendAsync(Post("/api/messages", invokeBody, "application/json"), CancellationToken.None);
        HttpResponseMessage submit = await client.SendAsync(Post("/api/messages", submitBody, "application/json"), CancellationToken.None);
        (string conversation, string token) = await StartDirectLineAsync(client, admin);
        HttpRequestMessage dl = Post($"/v3/directline/conversations/{conversation}/activities",
            $"{{\"type\":\"message\",\"from\":{{\"id\":\"{admin}\"}},\"value\":{value}}}", "application/json");
        dl.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage directLine = await client.SendAsync(dl, CancellationToken.None);
        await Task.Delay(1500, CancellationToken.None); // queued turns finish

        foreach ((string name, HttpResponseMessage response) in new[] { ("ask", ask), ("invoke", invoke), ("submit", submit), ("directline", directLine) })
        {
            string text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode} {text}");
            Assert.DoesNotContain("\"statusCode\":500", text, StringComparison.Ordinal);
            Assert.DoesNotContain("something went wrong", text, StringComparison.OrdinalIgnoreCase);
        }

        string[] errors = _logs.Entries.Where(e => e.Level >= LogLevel.Error && !e.Text.Contains("reply cannot be delivered", StringComparison.Ordinal)).Select(e => e.Text).ToArray();
        Assert.True(errors.Length == 0, "errors logged:\n" + string.Join('\n', errors.Take(5)));
    }

    [Fact]
    public async Task DuplicateKeys_AreRefusedWith400_OnEveryJsonChannel()
    {
        using WebApplicationFactory<Program> host = Host();
        using HttpClient client = host.CreateClient();
        string admin = (string)JsonNode.Parse(await client.GetStringAsync("/api/info", CancellationToken.None))!["users"]!.AsArray()
            .First(u => (string?)u!["role"] == "admin")!["id"]!;
        const string Value = "{\"verb\":\"churn.explain\",\"account\":\"P10521\",\"account\":\"P10170\"}";

        HttpResponseMessage submit = await client.SendAsync(Post("/api/messages",
            "{\"type\":\"message\",\"id\":\"dup-1\",\"channelId\":\"msteams\",\"from\":{\"id\":\"29:u\"},\"recipient\":{\"id\":\"28:bot\"},"
            + $"\"conversation\":{{\"id\":\"c-dup\"}},\"value\":{Value}}}", "application/json"), CancellationToken.None);
        (string conversation, string token) = await StartDirectLineAsync(client, admin);
        HttpRequestMessage dl = Post($"/v3/directline/conversations/{conversation}/activities",
            $"{{\"type\":\"message\",\"from\":{{\"id\":\"{admin}\"}},\"value\":{Value}}}", "application/json");
        dl.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage directLine = await client.SendAsync(dl, CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, submit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, directLine.StatusCode);
    }

    // ---- 7. Retry deduplication survives a restart (SQLite) ----

    [Fact]
    public async Task BotFrameworkRetry_AfterARestart_IsHandledOnce()
    {
        string activity = new JsonObject
        {
            ["type"] = "message", ["id"] = "retry-after-restart-1", ["channelId"] = "msteams", ["from"] = new JsonObject { ["id"] = "29:admin-ish" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot" }, ["conversation"] = new JsonObject { ["id"] = "c-retry", ["conversationType"] = "personal" },
            ["text"] = "/agent stop",
        }.ToJsonString();

        using (WebApplicationFactory<Program> first = Host())
        using (HttpClient client = first.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Post("/api/messages", activity, "application/json"), CancellationToken.None)).StatusCode);
            for (int i = 0; i < 50 && await AuditCountAsync("agent.stop") == 0; i++)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }

        Assert.Equal(1, await AuditCountAsync("agent.stop"));
        using WebApplicationFactory<Program> second = Host();
        using HttpClient again = second.CreateClient();
        HttpResponseMessage retry = await again.SendAsync(Post("/api/messages", activity, "application/json"), CancellationToken.None);
        await Task.Delay(1500, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, await AuditCountAsync("agent.stop"));
    }

    private static async Task<(string Conversation, string Token)> StartDirectLineAsync(HttpClient client, string user)
    {
        HttpResponseMessage granted = await client.SendAsync(Post("/api/directline/token", $"{{\"user\":{{\"id\":\"{user}\"}}}}", "application/json"));
        JsonObject grant = JsonNode.Parse(await granted.Content.ReadAsStringAsync())!.AsObject();
        using var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)grant["token"]!);
        JsonObject started = JsonNode.Parse(await (await client.SendAsync(start)).Content.ReadAsStringAsync())!.AsObject();
        return ((string)started["conversationId"]!, (string)started["token"]!);
    }
}
