using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CopilotBot.Llm;
using CopilotBot.Memory;
using CopilotBot.Memory.Qdrant;
using CopilotBot.Workspace;

namespace CopilotBot.Host.Web;

/// <summary>
/// What <c>/readyz</c> checks, each within <c>Health:TimeoutSeconds</c> (default 3): the workspace store (a point read;
/// for SQLite also that the database file is still there), Qdrant's <c>/readyz</c> when <c>Memory:Provider</c> is Qdrant,
/// the language model's <c>GET /models</c> when <c>Llm:Endpoint</c> and <c>Llm:ChatModel</c> are set, and the embeddings
/// endpoint's <c>GET /models</c> when <c>Memory:Embeddings:Endpoint</c> is set (support questions embed every query, so an
/// unreachable embedder makes them fail over to keyword ranking: an operator wants to see that). A result is
/// reused for <c>Health:ReadyCacheSeconds</c> (default 5; 0 = never), so frequent probes do not load the model's API.
/// The answer names each check's status and a short reason — never a URL, connection string, key or exception message.
/// </summary>
public sealed class Readiness(IServiceProvider services, IConfiguration configuration) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, bool Ready, JsonObject Body)? _last;

    private TimeSpan Budget => TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Health:TimeoutSeconds", 3.0), 0.1, 60));

    private TimeSpan CacheFor => TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Health:ReadyCacheSeconds", 5.0)));

    public async Task<(bool Ready, JsonObject Body)> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && DateTimeOffset.UtcNow - last.At < CacheFor)
            {
                return (last.Ready, (JsonObject)last.Body.DeepClone());
            }

            var checks = new List<Task<(string Name, Check Result)>> { Named("store", StoreAsync) };
            if (string.Equals(configuration["Memory:Provider"], "Qdrant", StringComparison.OrdinalIgnoreCase))
            {
                checks.Add(Named("qdrant", QdrantAsync));
            }

            LlmOptions? llm = configuration.GetSection(LlmOptions.SectionName).Get<LlmOptions>();
            if (LlmOptions.IsConfigured(llm))
            {
                bool azure = string.Equals(llm!.KeyHeader, LlmOptions.AzureKeyHeader, StringComparison.OrdinalIgnoreCase);
                checks.Add(Named("llm", token => ModelApiAsync(llm.Endpoint!, llm.ApiKey, azure, token)));
            }

            if (configuration.GetSection(OpenAiEmbedderOptions.SectionName).Get<OpenAiEmbedderOptions>() is { Endpoint: { IsAbsoluteUri: true } embeddings } embedder)
            {
                checks.Add(Named("embeddings", token => ModelApiAsync(embeddings.AbsoluteUri, embedder.ApiKey, embedder.UseApiKeyHeader, token)));
            }

            (string Name, Check Result)[] results = await Task.WhenAll(checks);
            bool ready = results.All(r => r.Result.Ok);
            var detail = new JsonObject();
            foreach ((string name, Check check) in results)
            {
                var entry = new JsonObject { ["status"] = check.Ok ? "ok" : "fail", ["durationMs"] = check.Milliseconds };
                if (check.Detail is not null)
                {
                    entry["detail"] = check.Detail;
                }

                detail[name] = entry;
            }

            var body = new JsonObject { ["status"] = ready ? "ready" : "not_ready", ["checks"] = detail };
            _last = (DateTimeOffset.UtcNow, ready, body);
            return (ready, (JsonObject)body.DeepClone());
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<(string, Check)> Named(string name, Func<CancellationToken, Task<Check>> check)
    {
        var stopwatch = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(Budget);
        Check result;
        try
        {
            // Run on the pool and stop waiting at the budget: a SQLite call blocks its thread (a locked file waits for
            // its busy timeout), and opening the workspace the first time may still be seeding it.
            result = await Task.Run(() => check(budget.Token), budget.Token).WaitAsync(budget.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            result = Check.Fail($"no answer within {Budget.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            result = Check.Fail(ex.StatusCode is { } status ? $"HTTP {(int)status}" : "unreachable");
        }
        catch (Exception ex)
        {
            // The type only: a database or client message can name hosts, users or files.
            result = Check.Fail("failed (" + ex.GetType().Name + ")");
        }

        return (name, result with { Milliseconds = stopwatch.ElapsedMilliseconds });
    }

    private async Task<Check> StoreAsync(CancellationToken cancellationToken)
    {
        bool shared = WorkspaceFactory.IsShared(configuration);
        CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
        if (!shared && !File.Exists(runtime.Workspace.Stores.Location))
        {
            // A pooled connection can still read a deleted file; a new one would create an empty database.
            return Check.Fail("the workspace database file is missing", "sqlite");
        }

        await runtime.Workspace.Meta.GetAsync(WorkspaceKeys.Demo, cancellationToken);
        return Check.Pass(shared ? "postgresql" : "sqlite");
    }

    private async Task<Check> QdrantAsync(CancellationToken cancellationToken)
    {
        QdrantOptions? options = configuration.GetSection(QdrantOptions.SectionName).Get<QdrantOptions>();
        if (options?.Endpoint is not { IsAbsoluteUri: true } endpoint)
        {
            return Check.Fail("Memory:Qdrant:Endpoint is not set");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.AbsoluteUri.TrimEnd('/') + "/readyz");
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Add("api-key", options.ApiKey);
        }

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.IsSuccessStatusCode ? Check.Pass() : Check.Fail($"HTTP {(int)response.StatusCode}");
    }

    /// <summary>An OpenAI-compatible API (chat or embeddings): its model listing, with the key the way the client sends it.</summary>
    private async Task<Check> ModelApiAsync(string endpoint, string? apiKey, bool apiKeyHeader, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Trim().TrimEnd('/') + "/models");
        if (!string.IsNullOrEmpty(apiKey))
        {
            if (apiKeyHeader)
            {
                request.Headers.Add("api-key", apiKey);
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
        }

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.StatusCode switch
        {
            _ when response.IsSuccessStatusCode => Check.Pass(),
            // Some compatible servers have no model listing; the server answered, which is what readiness asks.
            HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => Check.Pass(detail: "reachable (no /models listing)"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Check.Fail($"credentials refused (HTTP {(int)response.StatusCode})"),
            _ => Check.Fail($"HTTP {(int)response.StatusCode}"),
        };
    }

    private sealed record Check(bool Ok, string? Detail, long Milliseconds = 0)
    {
        public static Check Pass(string? detail = null) => new(true, detail);

        public static Check Fail(string detail, string? provider = null) => new(false, provider is null ? detail : $"{provider}: {detail}");
    }
}
