using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

/// <summary>
/// <c>/readyz</c> against real dependencies on loopback: a Qdrant-compatible server and an OpenAI-compatible server that
/// are up, down, refusing or hanging, and a workspace database that disappears. <c>/healthz</c> stays a liveness check.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ReadinessTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private readonly List<WebApplicationFactory<Program>> _hosts = [];

    private const string QdrantKey = "qdrant-key-never-shown-7731";
    private const string LlmKey = "sk-llm-key-never-shown-7731";

    [Fact]
    public async Task Ready_WhenTheStoreQdrantAndTheModelAnswer_AndTheirKeysAreSentButNeverShown()
    {
        await using LoopbackServer qdrant = await LoopbackServer.StartAsync(async (context, _) => await context.Response.WriteAsync("all shards are ready"));
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"object\":\"list\",\"data\":[{\"id\":\"scripted-model\",\"object\":\"model\"}]}");
        });
        using HttpClient client = Client(fixture.Directory, [.. Qdrant(qdrant.BaseUrl), .. Llm(llm.BaseUrl + "/v1")]);

        HttpResponseMessage response = await client.GetAsync("/readyz");
        string text = await response.Content.ReadAsStringAsync();
        JsonObject body = JsonNode.Parse(text)!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", (string?)body["status"]);
        Assert.Equal(["store", "qdrant", "llm"], body["checks"]!.AsObject().Select(c => c.Key));
        Assert.All(body["checks"]!.AsObject(), c => Assert.Equal("ok", (string?)c.Value!["status"]));
        Assert.Equal("sqlite", (string?)body["checks"]!["store"]!["detail"]);
        RecordedRequest toQdrant = Assert.Single(qdrant.Requests);
        Assert.Equal(("GET", "/readyz", QdrantKey), (toQdrant.Method, toQdrant.RawTarget, toQdrant.Headers["api-key"]));
        RecordedRequest toLlm = Assert.Single(llm.Requests);
        Assert.Equal(("GET", "/v1/models", "Bearer " + LlmKey), (toLlm.Method, toLlm.RawTarget, toLlm.Headers["Authorization"]));
        AssertNothingSecret(text, qdrant.BaseUrl, llm.BaseUrl);
    }

    [Fact]
    public async Task NotReady_WhenQdrantIsDown_AndTheModelRefusesTheKey_SayingWhichCheckFailedAndWhy()
    {
        string closed = ClosedPortUrl();
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"Incorrect API key provided: " + LlmKey + "\"}}");
        });
        using HttpClient client = Client(fixture.Directory, [.. Qdrant(closed), .. Llm(llm.BaseUrl + "/v1")]);
        await client.GetAsync("/healthz"); // the host is up (start-up opens the workspace and builds the kernel and router)

        HttpResponseMessage response = await client.GetAsync("/readyz");
        string text = await response.Content.ReadAsStringAsync();
        JsonObject checks = JsonNode.Parse(text)!["checks"]!.AsObject();
        HttpResponseMessage live = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not_ready", (string?)JsonNode.Parse(text)!["status"]);
        Assert.Equal("ok", (string?)checks["store"]!["status"]);
        Assert.Equal(("fail", "unreachable"), ((string?)checks["qdrant"]!["status"], (string?)checks["qdrant"]!["detail"]));
        Assert.Equal(("fail", "credentials refused (HTTP 401)"), ((string?)checks["llm"]!["status"], (string?)checks["llm"]!["detail"]));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        AssertNothingSecret(text, closed, llm.BaseUrl);
    }

    [Fact]
    public async Task NotReady_WithinTheBudget_WhenQdrantFailsAndTheModelHangs()
    {
        await using LoopbackServer qdrant = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        // The model hangs for a minute: a /readyz well under that proves the 1 s check timeout cut it off, with room for a
        // loaded 2-core runner (it once took 14 s there, against the 8 s this asserted).
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, _) => await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted));
        using HttpClient client = Client(fixture.Directory, [.. Qdrant(qdrant.BaseUrl), .. Llm(llm.BaseUrl + "/v1"), ("Health:TimeoutSeconds", "1")]);
        await client.GetAsync("/healthz"); // the host is up; the workspace opens on start
        await client.GetAsync("/readyz"); // the checks' first, cold run (JIT, connection set-up) is not what is timed

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage response = await client.GetAsync("/readyz");
        stopwatch.Stop();
        JsonObject checks = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        // Qdrant fails either way; on a loaded runner its 503 can itself come later than the 1 s budget (its detail is
        // checked with the usual budget below).
        Assert.Equal("fail", (string?)checks["qdrant"]!["status"]);
        Assert.Equal(("fail", "no answer within 1 s"), ((string?)checks["llm"]!["status"], (string?)checks["llm"]!["detail"]));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"/readyz took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task NotReady_SayingWhatQdrantAnswered_WhenItAnswers503()
    {
        await using LoopbackServer qdrant = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        using HttpClient client = Client(fixture.Directory, [.. Qdrant(qdrant.BaseUrl)]);

        HttpResponseMessage response = await client.GetAsync("/readyz");
        JsonObject checks = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(("fail", "HTTP 503"), ((string?)checks["qdrant"]!["status"], (string?)checks["qdrant"]!["detail"]));
    }

    [Fact]
    public async Task The_embeddings_endpoint_is_checked_when_configured_with_its_key_in_the_header_it_is_sent_in()
    {
        const string EmbeddingsKey = "emb-key-never-shown-5521";
        await using LoopbackServer embeddings = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"object\":\"list\",\"data\":[{\"id\":\"text-embedding-3-small\",\"object\":\"model\"}]}");
        });
        string closed = ClosedPortUrl();
        using HttpClient up = Client(fixture.Directory, ("Memory:Embeddings:Endpoint", embeddings.BaseUrl + "/v1"), ("Memory:Embeddings:ApiKey", EmbeddingsKey), ("Memory:Embeddings:UseApiKeyHeader", "true"));
        using HttpClient down = Client(fixture.Directory, ("Memory:Embeddings:Endpoint", closed + "/v1"), ("Memory:Embeddings:ApiKey", EmbeddingsKey));

        await up.GetAsync("/healthz"); // both hosts are up before their checks are timed
        await down.GetAsync("/healthz");
        HttpResponseMessage ready = await up.GetAsync("/readyz");
        HttpResponseMessage notReady = await down.GetAsync("/readyz");
        string readyText = await ready.Content.ReadAsStringAsync(), notReadyText = await notReady.Content.ReadAsStringAsync();
        JsonObject checks = JsonNode.Parse(notReadyText)!["checks"]!.AsObject();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(["store", "embeddings"], JsonNode.Parse(readyText)!["checks"]!.AsObject().Select(c => c.Key));
        RecordedRequest listing = Assert.Single(embeddings.Requests, r => r.RawTarget == "/v1/models");
        Assert.Equal(("GET", EmbeddingsKey), (listing.Method, listing.Headers["api-key"]));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal(("ok", "fail", "unreachable"), ((string?)checks["store"]!["status"], (string?)checks["embeddings"]!["status"], (string?)checks["embeddings"]!["detail"]));
        foreach (string text in new[] { readyText, notReadyText })
        {
            Assert.DoesNotContain(EmbeddingsKey, text, StringComparison.Ordinal);
            AssertNothingSecret(text, embeddings.BaseUrl, closed);
        }
    }

    [Fact]
    public async Task NotReady_WhenTheWorkspaceDatabaseIsGone_WhileStillLive()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        using HttpClient client = Client(directory);
        HttpResponseMessage before = await client.GetAsync("/readyz");

        foreach (string file in Directory.EnumerateFiles(directory, "copilot.db*"))
        {
            File.Delete(file);
        }

        HttpResponseMessage after = await client.GetAsync("/readyz");
        string text = await after.Content.ReadAsStringAsync();
        JsonObject store = JsonNode.Parse(text)!["checks"]!["store"]!.AsObject();

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal(("fail", "sqlite: the workspace database file is missing"), ((string?)store["status"], (string?)store["detail"]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain(directory, text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "copilot.db")), "the check must not create an empty database");
    }

    public void Dispose()
    {
        foreach (WebApplicationFactory<Program> host in _hosts)
        {
            host.Dispose();
        }
    }

    private HttpClient Client(string directory, params (string Key, string Value)[] settings)
    {
        WebApplicationFactory<Program> host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // Checks get 30 s unless a test is about the budget: these tests assert why a check failed, and a loaded 2-core
            // runner (hosts starting in parallel, a starved pool) once took over 3 s to see a refused loopback connection.
            b.UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
                .UseSetting("Health:ReadyCacheSeconds", "0").UseSetting("Health:TimeoutSeconds", "30");
            foreach ((string key, string value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        _hosts.Add(host);
        return host.CreateClient();
    }

    private static (string, string)[] Qdrant(string url) =>
        [("Memory:Provider", "Qdrant"), ("Memory:Qdrant:Endpoint", url), ("Memory:Qdrant:ApiKey", QdrantKey)];

    private static (string, string)[] Llm(string url) =>
        [("Llm:Endpoint", url), ("Llm:ChatModel", "scripted-model"), ("Llm:ApiKey", LlmKey)];

    private static string ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private static void AssertNothingSecret(string body, params string[] urls)
    {
        Assert.DoesNotContain(QdrantKey, body, StringComparison.Ordinal);
        Assert.DoesNotContain(LlmKey, body, StringComparison.Ordinal);
        foreach (string url in urls)
        {
            Assert.DoesNotContain(new Uri(url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }
}
