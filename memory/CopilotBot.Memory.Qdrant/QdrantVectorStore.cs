using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CopilotBot.Memory.Qdrant;

/// <summary>
/// <see cref="IVectorStore"/> over Qdrant's REST API (v1.10+; uses <c>points/query</c>, not the removed
/// <c>points/search</c>). One typed HttpClient; every call is idempotent (fixed point ids), so all are retried on
/// 408/429/5xx, timeouts and connection failures with exponential backoff and jitter. Writes use <c>wait=true</c>, so
/// a query right after an upsert or delete sees it.
/// </summary>
public sealed class QdrantVectorStore : IVectorStore
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly QdrantOptions _options;
    private readonly Uri _endpoint;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);

    public QdrantVectorStore(HttpClient http, QdrantOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        Uri endpoint = options.Endpoint ?? throw new ArgumentException($"{QdrantOptions.SectionName}:Endpoint is not set.", nameof(options));
        _endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.UpsertBatchSize, 1);
        _pipeline = BuildPipeline(options);
    }

    public async Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (!await CollectionExistsAsync(collection, cancellationToken))
        {
            var body = new JsonObject { ["vectors"] = new JsonObject { ["size"] = dimensions, ["distance"] = "Cosine" } };
            Reply created = await SendAsync(HttpMethod.Put, $"collections/{collection}", body, cancellationToken);
            // Someone else created it between our check and our create: fine if it has our shape (checked below).
            bool raced = created.Status == HttpStatusCode.Conflict
                || (created.Status == HttpStatusCode.BadRequest && created.Error.Contains("already exists", StringComparison.OrdinalIgnoreCase));
            if (!raced)
            {
                created.EnsureSuccess(collection);
            }
        }

        int existing = await FetchDimensionsAsync(collection, cancellationToken);
        if (existing != dimensions)
        {
            throw new VectorStoreException(
                $"Qdrant collection '{collection}' holds {existing}-dimension vectors but {dimensions} were asked for; " +
                "its vectors come from another embedder. Delete the collection or use another name.");
        }

        // Index every filtered field (Qdrant filters unindexed fields slowly, and strict mode refuses them).
        // Creating an existing index again is a no-op, so this stays idempotent.
        (string Field, JsonNode Schema)[] indexes =
        [
            (PayloadFields.AccountId, new JsonObject { ["type"] = "keyword", ["is_tenant"] = true }),
            (PayloadFields.ConversationId, JsonValue.Create("keyword")),
            (PayloadFields.Topic, JsonValue.Create("keyword")),
            (PayloadFields.Timestamp, JsonValue.Create("integer")),
        ];
        foreach ((string field, JsonNode schema) in indexes)
        {
            var body = new JsonObject { ["field_name"] = field, ["field_schema"] = schema };
            (await SendAsync(HttpMethod.Put, $"collections/{collection}/index?wait=true", body, cancellationToken)).EnsureSuccess(collection);
        }
    }

    public async Task<bool> CollectionExistsAsync(string collection, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        JsonNode result = (await SendAsync(HttpMethod.Get, $"collections/{collection}/exists", null, cancellationToken)).EnsureSuccess(collection);
        return result["exists"]?.GetValue<bool>() ?? throw new VectorStoreException("Qdrant 'exists' answer has no 'exists' field.");
    }

    public async Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        Reply reply = await SendAsync(HttpMethod.Delete, $"collections/{collection}", null, cancellationToken);
        if (reply.Status != HttpStatusCode.NotFound)
        {
            reply.EnsureSuccess(collection);
        }

        _dimensions.TryRemove(collection, out _);
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        VectorValidation.CollectionName(collection);
        if (records.Count == 0)
        {
            return;
        }

        int dimensions = await DimensionsAsync(collection, cancellationToken);
        foreach (VectorRecord record in records)
        {
            VectorValidation.Vector(record.Vector, dimensions, collection);
        }

        foreach (VectorRecord[] batch in records.Chunk(_options.UpsertBatchSize))
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("points");
                foreach (VectorRecord record in batch)
                {
                    QdrantJson.WritePoint(writer, record);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            (await SendBytesAsync(HttpMethod.Put, $"collections/{collection}/points?wait=true", buffer.ToArray(), cancellationToken)).EnsureSuccess(collection);
        }
    }

    public async Task<IReadOnlyList<VectorHit>> QueryAsync(
        string collection, float[] vector, int limit, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        VectorValidation.CollectionName(collection);
        int dimensions = await DimensionsAsync(collection, cancellationToken);
        VectorValidation.Vector(vector, dimensions, collection);
        if (filter?.MatchesNothing == true)
        {
            return [];
        }

        var body = new JsonObject
        {
            ["query"] = new JsonArray([.. vector.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["limit"] = limit,
            ["with_payload"] = true,
            ["with_vector"] = false,
        };
        if (QdrantJson.Filter(filter) is JsonObject condition)
        {
            body["filter"] = condition;
        }

        JsonNode result = (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/query", body, cancellationToken)).EnsureSuccess(collection);
        JsonArray points = result["points"]?.AsArray() ?? throw new VectorStoreException("Qdrant query answer has no 'points' array.");
        return [.. points.Select(p => QdrantJson.Hit(p!, collection))];
    }

    public async Task DeleteAsync(string collection, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        VectorValidation.CollectionName(collection);
        foreach (Guid[] batch in ids.Chunk(1000))
        {
            var body = new JsonObject { ["points"] = new JsonArray([.. batch.Select(id => (JsonNode?)JsonValue.Create(id.ToString("D")))]) };
            (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", body, cancellationToken)).EnsureSuccess(collection);
        }
    }

    public async Task DeleteByFilterAsync(string collection, VectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        VectorValidation.CollectionName(collection);
        if (filter.IsEmpty)
        {
            throw new ArgumentException("Refusing to delete by an empty filter (it would delete everything); use DeleteCollectionAsync.", nameof(filter));
        }

        if (filter.MatchesNothing)
        {
            return;
        }

        var body = new JsonObject { ["filter"] = QdrantJson.Filter(filter) };
        (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", body, cancellationToken)).EnsureSuccess(collection);
    }

    public async Task<long> CountAsync(string collection, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        VectorValidation.CollectionName(collection);
        if (filter?.MatchesNothing == true)
        {
            return 0;
        }

        var body = new JsonObject { ["exact"] = true };
        if (QdrantJson.Filter(filter) is JsonObject condition)
        {
            body["filter"] = condition;
        }

        JsonNode result = (await SendAsync(HttpMethod.Post, $"collections/{collection}/points/count", body, cancellationToken)).EnsureSuccess(collection);
        return result["count"]?.GetValue<long>() ?? throw new VectorStoreException("Qdrant count answer has no 'count' field.");
    }

    private async Task<int> DimensionsAsync(string collection, CancellationToken cancellationToken) =>
        _dimensions.TryGetValue(collection, out int dimensions) ? dimensions : await FetchDimensionsAsync(collection, cancellationToken);

    private async Task<int> FetchDimensionsAsync(string collection, CancellationToken cancellationToken)
    {
        JsonNode info = (await SendAsync(HttpMethod.Get, $"collections/{collection}", null, cancellationToken)).EnsureSuccess(collection);
        JsonNode? vectors = info["config"]?["params"]?["vectors"];
        if (vectors?["size"] is not JsonValue size)
        {
            throw new VectorStoreException($"Qdrant collection '{collection}' has no single unnamed vector (named vectors are not supported here).");
        }

        string? distance = vectors["distance"]?.GetValue<string>();
        if (!string.Equals(distance, "Cosine", StringComparison.Ordinal))
        {
            throw new VectorStoreException($"Qdrant collection '{collection}' uses {distance ?? "no"} distance; this app needs Cosine.");
        }

        int dimensions = size.GetValue<int>();
        _dimensions[collection] = dimensions;
        return dimensions;
    }

    private Task<Reply> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        SendBytesAsync(method, path, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken);

    private async Task<Reply> SendBytesAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_endpoint, path);
        int attempts = 0;
        try
        {
            using HttpResponseMessage response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    // A request message can be sent once only: build a fresh one per attempt.
                    using var request = new HttpRequestMessage(method, uri);
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body);
                        request.Content.Headers.ContentType = new("application/json");
                    }

                    if (!string.IsNullOrEmpty(_options.ApiKey))
                    {
                        request.Headers.Add("api-key", _options.ApiKey);
                    }

                    HttpResponseMessage answer = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                    return answer;
                },
                cancellationToken);
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            return new Reply(method, path, response.StatusCode, text, attempts);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new VectorStoreException(
                $"Qdrant {method} /{path} timed out after {_options.Timeout.TotalSeconds:0.###} s ({attempts} attempts).", 408, isTransient: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new VectorStoreException($"Qdrant {method} /{path} failed: {ex.Message} ({attempts} attempts).", null, isTransient: true, ex);
        }
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(QdrantOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        // Inside the retry: the timeout bounds each attempt, not the whole call.
        return builder.AddTimeout(options.Timeout).Build();
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        RetryConditionHeaderValue? header = response?.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null);
        return delay is null ? null : TimeSpan.FromTicks(Math.Clamp(delay.Value.Ticks, 0, MaxRetryAfter.Ticks));
    }

    /// <summary>One HTTP answer; <see cref="EnsureSuccess"/> turns errors into the exceptions of <see cref="IVectorStore"/>.</summary>
    private sealed record Reply(HttpMethod Method, string Path, HttpStatusCode Status, string Body, int Attempts)
    {
        public string Error => ErrorText(Body);

        public JsonNode EnsureSuccess(string collection)
        {
            int code = (int)Status;
            if (code is >= 200 and <= 299)
            {
                JsonNode? envelope;
                try
                {
                    envelope = JsonNode.Parse(Body);
                }
                catch (JsonException ex)
                {
                    throw new VectorStoreException($"Qdrant {Method} /{Path} answered HTTP {code} with a body that is not JSON: {Truncate(Body)}", code, inner: ex);
                }

                return envelope?["result"] ?? throw new VectorStoreException($"Qdrant {Method} /{Path} answered without a 'result': {Truncate(Body)}", code);
            }

            string where = string.Create(CultureInfo.InvariantCulture, $"Qdrant {Method} /{Path} failed with HTTP {code}");
            string tries = Attempts > 1 ? $" after {Attempts} attempts" : string.Empty;
            throw Status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new VectorStoreException(
                    $"{where}: authentication failed ({Error}). Check {QdrantOptions.SectionName}:ApiKey (a read-only key cannot write).", code),
                HttpStatusCode.NotFound when Path == "collections/" + collection || Path.StartsWith("collections/" + collection + "/", StringComparison.Ordinal)
                    => new CollectionNotFoundException(collection, Error),
                _ => new VectorStoreException($"{where}{tries}: {Error}", code, IsTransient(Status)),
            };
        }

        private static string ErrorText(string body)
        {
            try
            {
                // Qdrant's envelope: {"status":{"error":"…"},"time":…}; auth failures come as plain text.
                if (JsonNode.Parse(body)?["status"]?["error"] is JsonValue error)
                {
                    return error.GetValue<string>();
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not the JSON envelope: fall through to the raw text.
            }

            return body.Length == 0 ? "(empty body)" : Truncate(body);
        }

        private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
    }
}
