using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Host.Web;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CopilotBot.Host.Tests;

/// <summary>
/// Traces and metrics through the real web host: one turn is one trace (HTTP server span → channel → turn → router →
/// kernel function → stores → connector reply, and the language model when it routes), with no user text in any
/// attribute; turn, tool-call and intervention metrics are recorded; OTLP export goes out only when configured.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ObservabilityTests(SeededWorkspaceFixture fixture)
{
    private const string Question = "which Platinum accounts are most likely to churn this month?";

    [Fact]
    public async Task TeamsMessage_IsOneTrace_FromTheHttpRequestThroughRouterFunctionAndStoresToTheReply_WithoutUserText()
    {
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{\"id\":\"r1\"}");
        });
        var spans = new LockedList<Activity>();
        using WebApplicationFactory<Program> factory = Factory(fixture.Directory, spans);
        using HttpClient client = factory.CreateClient();
        ActivityTraceId traceId = ActivityTraceId.CreateRandom();

        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = TeamsMessage(connector.BaseUrl, Question) };
        post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        HttpResponseMessage accepted = await client.SendAsync(post);
        IReadOnlyList<Activity> trace = await WaitForAsync(spans, traceId, t => t.Any(s => s.DisplayName.StartsWith("channel ", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(connector.Requests, r => r.Method == "POST" && r.Body.Contains("\"type\":\"message\"", StringComparison.Ordinal));
        Activity server = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/api/messages");
        Activity channel = Assert.Single(trace, s => s.DisplayName == "channel msteams");
        Activity turn = Assert.Single(trace, s => s.DisplayName == "turn");
        Activity route = Assert.Single(trace, s => s.DisplayName == "route embedded");
        Activity invoke = Assert.Single(trace, s => s.DisplayName == "invoke churn.at_risk");
        Assert.Contains(trace, s => s.DisplayName.StartsWith("store IAccountStore.", StringComparison.Ordinal) && IsUnder(s, turn, trace));
        Assert.Contains(trace, s => s.DisplayName.StartsWith("store IConversationStateStore.", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.DisplayName == "connector botframework send" && IsUnder(s, channel, trace) && (string?)s.GetTagItem("copilot.activity.type") == "message");

        // One trace: the background turn hangs off the request's span even though the request was answered first.
        Assert.All(trace, s => Assert.Equal(traceId, s.TraceId));
        Assert.True(IsUnder(channel, server, trace));
        Assert.Equal(channel.SpanId, turn.ParentSpanId);
        Assert.True(IsUnder(route, turn, trace));
        Assert.True(IsUnder(invoke, turn, trace));
        Assert.Equal(("embedded", "Routed", "churn.at_risk"), ((string?)route.GetTagItem("copilot.router.kind"), (string?)route.GetTagItem("copilot.route.kind"), (string?)route.GetTagItem("copilot.intent")));
        Assert.InRange((double)route.GetTagItem("copilot.confidence")!, 0.01, 1.0);
        Assert.Equal(("ok", "Router"), ((string?)invoke.GetTagItem("copilot.outcome"), (string?)invoke.GetTagItem("copilot.source")));
        Assert.Equal(("msteams", "churn.at_risk"), ((string?)turn.GetTagItem("copilot.channel"), (string?)turn.GetTagItem("copilot.tool")));
        AssertNoUserText(trace, Question, "Platinum accounts", "likely to churn");
    }

    [Fact]
    public async Task AskRoutedByTheLanguageModel_HasLlmSpansWithModelAndTokens_InTheSameTrace_AndMetricsAreRecorded()
    {
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            bool toolAnswered = request.Body.Contains("\"role\":\"tool\"", StringComparison.Ordinal);
            await context.Response.WriteAsync(toolAnswered ? ChatCompletions.Json(null, "Here is who is most at risk.") : ChatCompletions.Json("churn-at_risk", null));
        });
        var spans = new LockedList<Activity>();
        using var metrics = new MetricsRecorder();
        using WebApplicationFactory<Program> factory = Factory(fixture.Directory, spans, ("Llm:Endpoint", llm.BaseUrl + "/v1"), ("Llm:ChatModel", "scripted-model"), ("Llm:ApiKey", "sk-test-do-not-log-4242"));
        using HttpClient client = factory.CreateClient();
        ActivityTraceId traceId = ActivityTraceId.CreateRandom();

        using var ask = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(new { question = Question }) };
        ask.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        JsonObject answer = (await (await client.SendAsync(ask)).Content.ReadFromJsonAsync<JsonObject>())!;
        IReadOnlyList<Activity> trace = await WaitForAsync(spans, traceId, t => t.Any(s => s.DisplayName == "channel web"));

        Assert.Equal("churn.at_risk", (string?)answer["tool"]);
        Activity turn = Assert.Single(trace, s => s.DisplayName == "turn");
        Activity route = Assert.Single(trace, s => s.DisplayName == "route llm");
        Assert.Equal(("llm", "answered", "churn.at_risk"), ((string?)route.GetTagItem("copilot.router.kind"), (string?)route.GetTagItem("copilot.route.outcome"), (string?)route.GetTagItem("copilot.tool")));
        Activity[] chats = trace.Where(s => s.DisplayName == "chat scripted-model").ToArray();
        Assert.Equal(2, chats.Length);
        Assert.All(chats, c =>
        {
            Assert.True(IsUnder(c, route, trace));
            Assert.Equal(("chat", "scripted-model", "ok"), ((string?)c.GetTagItem("gen_ai.operation.name"), (string?)c.GetTagItem("gen_ai.request.model"), (string?)c.GetTagItem("copilot.llm.status")));
            Assert.Equal(21, Convert.ToInt32(c.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(7, Convert.ToInt32(c.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        });
        Activity invoke = Assert.Single(trace, s => s.DisplayName == "invoke churn.at_risk");
        Assert.Equal("Model", (string?)invoke.GetTagItem("copilot.source"));
        Assert.True(IsUnder(invoke, route, trace) && IsUnder(route, turn, trace));
        Assert.Contains(trace, s => s.DisplayName.StartsWith("store ", StringComparison.Ordinal) && IsUnder(s, invoke, trace));
        AssertNoUserText(trace, Question, "Platinum accounts", "sk-test-do-not-log-4242", "Here is who is most at risk");

        Assert.Contains(metrics.Snapshot(), m => m.Name == "copilot.turn.duration" && m.Tag("copilot.channel") == "web" && m.Tag("copilot.tool") == "churn.at_risk" && m.Value > 0);
        Assert.Contains(metrics.Snapshot(), m => m.Name == "copilot.tool.calls" && m.Tag("copilot.function") == "churn.at_risk" && m.Tag("copilot.outcome") == "ok" && m.Tag("copilot.source") == "Model");
    }

    [Fact]
    public async Task SendingADraftAndAFailingModel_AreCountedAsInterventionsToolOutcomesAndErrors()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        await using LoopbackServer llm = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"bad\"}}");
        });
        using var metrics = new MetricsRecorder();
        using WebApplicationFactory<Program> factory = Factory(directory, null, ("Llm:Endpoint", llm.BaseUrl + "/v1"), ("Llm:ChatModel", "failing-model"));
        using HttpClient client = factory.CreateClient();
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account gold = (await ws.Accounts.ListAsync(new(Tier: Tier.Gold)))[3];

        HttpResponseMessage sent = await client.PostAsJsonAsync("/api/ask", new { value = new { verb = "interventions.send_draft", account = gold.Id, channel = "email" } });
        HttpResponseMessage fellBack = await client.PostAsJsonAsync("/api/ask", new { question = Question });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("built-in router", (string?)(await fellBack.Content.ReadFromJsonAsync<JsonObject>())!["reply"] ?? string.Empty, StringComparison.Ordinal);
        IReadOnlyList<Measurement> recorded = metrics.Snapshot();
        Assert.Contains(recorded, m => m.Name == "copilot.interventions" && m.Tag("copilot.event") == "created" && m.Tag("copilot.actor") == "user");
        Assert.Contains(recorded, m => m.Name == "copilot.interventions" && m.Tag("copilot.event") == "sent" && m.Tag("copilot.actor") == "user");
        Assert.Contains(recorded, m => m.Name == "copilot.tool.calls" && m.Tag("copilot.function") == "interventions.send_draft" && m.Tag("copilot.outcome") == "ok" && m.Tag("copilot.source") == "Confirmed");
        Assert.Contains(recorded, m => m.Name == "copilot.errors" && m.Tag("copilot.error.kind") == "llm");
        Assert.Contains(await ws.Interventions.ListAsync(gold.Id), i => i.Status == InterventionStatus.Pending);
    }

    [Fact]
    public async Task WithAnOtlpEndpoint_TracesMetricsAndLogsAreExported_WithoutTheQuestion()
    {
        await using LoopbackServer collector = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        const string Secret = "sk-live-51Hc0ff33Deadbeef00042";
        using (WebApplicationFactory<Program> factory = Factory(fixture.Directory, null,
            (Observability.OtlpEndpointKey, collector.BaseUrl), (Observability.OtlpProtocolKey, "http/protobuf"), (Observability.ServiceNameKey, "copilot-under-test"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "60000"))) // a loaded runner can take longer than the default 10 s to post a batch
        {
            using HttpClient client = factory.CreateClient();
            HttpResponseMessage answered = await client.PostAsJsonAsync("/api/ask", new { question = Question });
            HttpResponseMessage secret = await client.PostAsJsonAsync("/api/ask", new { question = $"my key is {Secret}, mail pat.doe@example.com" });
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (answered.StatusCode, secret.StatusCode));

            // Flush every exporter explicitly, with room for a loaded CI machine: metrics are only due every 60 s
            // otherwise, and disposal gives each provider just 5 s to shut down, which a busy 2-core runner can miss.
            Assert.True(factory.Services.GetRequiredService<TracerProvider>().ForceFlush(60_000), "traces were not flushed");
            Assert.True(factory.Services.GetRequiredService<MeterProvider>().ForceFlush(60_000), "metrics were not flushed");
            Assert.True(factory.Services.GetRequiredService<LoggerProvider>().ForceFlush(60_000), "logs were not flushed");
        }

        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        string[] signals = ["/v1/traces", "/v1/metrics", "/v1/logs"];
        while (!signals.All(p => collector.Requests.Any(r => r.RawTarget == p)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        RecordedRequest[] traces = [.. collector.Requests.Where(r => r.RawTarget == "/v1/traces")];
        Assert.True(traces.Length > 0, "Collector saw: " + string.Join(", ", collector.Requests.Select(r => r.Method + " " + r.RawTarget)));
        Assert.Contains(collector.Requests, r => r.RawTarget == "/v1/metrics" && r.Body.Contains("copilot.turn.duration", StringComparison.Ordinal));
        Assert.Contains(collector.Requests, r => r.RawTarget == "/v1/logs");
        Assert.Contains(traces, r => r.Body.Contains("copilot-under-test", StringComparison.Ordinal) && r.Body.Contains("invoke churn.at_risk", StringComparison.Ordinal));
        Assert.All(collector.Requests, r =>
        {
            Assert.Equal("application/x-protobuf", r.Headers["Content-Type"]);
            Assert.DoesNotContain(Secret, r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("pat.doe@example.com", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("Platinum accounts", r.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task WithoutAnOtlpEndpoint_NothingIsSampled_EvenUnderASampledParent()
    {
        var spans = new LockedList<Activity>();
        using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        using HttpClient client = factory.CreateClient();
        ActivityTraceId traceId = ActivityTraceId.CreateRandom();

        using var ask = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(new { question = Question }) };
        ask.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        HttpResponseMessage answered = await client.SendAsync(ask);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.DoesNotContain(spans.Snapshot(), s => s.TraceId == traceId);
    }

    internal static WebApplicationFactory<Program> Factory(string directory, LockedList<Activity>? spans, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today);
            foreach ((string key, string value) in settings)
            {
                b.UseSetting(key, value);
            }

            if (spans is not null)
            {
                b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans).SetSampler(new AlwaysOnSampler())));
            }
        });

    internal static StringContent TeamsMessage(string serviceUrl, string text) => new(new JsonObject
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = serviceUrl,
        ["from"] = new JsonObject { ["id"] = "29:aad-obs", ["aadObjectId"] = "aad-obs", ["name"] = "Observer" },
        ["recipient"] = new JsonObject { ["id"] = "28:copilotbot", ["name"] = "CopilotBot" },
        ["conversation"] = new JsonObject { ["id"] = "a:obs-" + Guid.NewGuid().ToString("N")[..8], ["conversationType"] = "personal" },
        ["text"] = text,
    }.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<IReadOnlyList<Activity>> WaitForAsync(LockedList<Activity> spans, ActivityTraceId traceId, Func<IReadOnlyList<Activity>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            List<Activity> trace = spans.Snapshot().Where(s => s.TraceId == traceId).ToList();
            if (done(trace))
            {
                return trace;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The trace never completed; it has: {string.Join(", ", trace.Select(s => s.DisplayName))}");
            await Task.Delay(50);
        }
    }

    private static bool IsUnder(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        Activity? current = span;
        for (int hops = 0; current is not null && hops < 64; hops++)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId);
        }

        return false;
    }

    private static void AssertNoUserText(IEnumerable<Activity> trace, params string[] forbidden)
    {
        foreach (Activity span in trace)
        {
            // Semantic Kernel's tool spans name the function's catalog description, which is the product's text, not the user's.
            var tags = span.TagObjects.Where(t => t.Key != "gen_ai.tool.description");
            foreach (string text in new[] { span.DisplayName, span.StatusDescription ?? string.Empty }.Concat(tags.Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)))
            {
                foreach (string word in forbidden)
                {
                    Assert.False(text.Contains(word, StringComparison.OrdinalIgnoreCase), $"Span '{span.DisplayName}' carries user text: {text}");
                }
            }
        }
    }
}

/// <summary>A list the exporter can add to while the test reads it.</summary>
public sealed class LockedList<T> : Collection<T>
{
    private readonly Lock _lock = new();

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, T item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }
}

/// <summary>One measurement of a CopilotBot instrument, with its tags.</summary>
public sealed record Measurement(string Name, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out object? v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>Listens to the CopilotBot meter for the test's lifetime (measurements from any host in the process).</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly LockedList<Measurement> _measurements = [];

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CopilotTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Snapshot() => _measurements.Snapshot();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Add(new Measurement(instrument.Name, value, copy));
    }
}
