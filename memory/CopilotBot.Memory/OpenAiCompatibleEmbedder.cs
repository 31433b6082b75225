using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotBot.Memory;

/// <summary>
/// Calls <c>POST {endpoint}/embeddings</c> of an OpenAI-compatible server. Results are ordered by their <c>index</c>
/// (servers may answer out of order) and every vector's length is checked against <see cref="Dimensions"/>.
/// Retries belong to the HttpClient pipeline the host configures (standard resilience handler).
/// </summary>
public sealed class OpenAiCompatibleEmbedder : ITextEmbedder
{
    private readonly HttpClient _http;
    private readonly OpenAiEmbedderOptions _options;
    private readonly Uri _embeddingsUri;

    public OpenAiCompatibleEmbedder(HttpClient http, OpenAiEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null)
        {
            throw new ArgumentException($"{OpenAiEmbedderOptions.SectionName}:Endpoint is not set.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _http = http;
        _options = options;
        string baseUrl = options.Endpoint.ToString();
        _embeddingsUri = new Uri(baseUrl.EndsWith('/') ? baseUrl + "embeddings" : baseUrl + "/embeddings");
        Id = "openai:" + options.Model;
    }

    public string Id { get; }

    public int Dimensions => _options.Dimensions;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = new float[texts.Count][];
        for (int offset = 0; offset < texts.Count; offset += _options.BatchSize)
        {
            int count = Math.Min(_options.BatchSize, texts.Count - offset);
            float[][] batch = await EmbedBatchAsync(texts.Skip(offset).Take(count).ToList(), cancellationToken);
            batch.CopyTo(vectors, offset);
        }

        return vectors;
    }

    private async Task<float[][]> EmbedBatchAsync(List<string> texts, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = _options.Model,
            // Empty strings are refused by some servers; a single space embeds to "nothing" just as well.
            ["input"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t.Length == 0 ? " " : t)).ToArray()),
            ["encoding_format"] = "float",
        };
        if (_options.SendDimensions)
        {
            body["dimensions"] = _options.Dimensions;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _embeddingsUri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            if (_options.UseApiKeyHeader)
            {
                request.Headers.Add("api-key", _options.ApiKey);
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        string text;
        int status;
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmbeddingException($"Embedding request to {_embeddingsUri} timed out after {_options.Timeout.TotalSeconds:0.#} s.", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EmbeddingException($"Embedding request to {_embeddingsUri} failed: {ex.Message}", null, ex);
        }

        if (status is < 200 or > 299)
        {
            throw new EmbeddingException($"Embedding request failed with HTTP {status}: {ErrorMessage(text)}", status);
        }

        return Parse(text, texts.Count);
    }

    private float[][] Parse(string text, int expected)
    {
        JsonArray data;
        try
        {
            data = JsonNode.Parse(text)?["data"]?.AsArray() ?? throw new EmbeddingException("Embedding response has no 'data' array.");
        }
        catch (JsonException ex)
        {
            throw new EmbeddingException("Embedding response is not JSON: " + Truncate(text), null, ex);
        }

        if (data.Count != expected)
        {
            throw new EmbeddingException($"Embedding response has {data.Count} vectors for {expected} inputs.");
        }

        var vectors = new float[expected][];
        foreach (JsonNode? item in data)
        {
            int index = item?["index"]?.GetValue<int>() ?? throw new EmbeddingException("Embedding item without 'index'.");
            JsonArray embedding = item["embedding"]?.AsArray() ?? throw new EmbeddingException("Embedding item without 'embedding'.");
            if (index < 0 || index >= expected || vectors[index] is not null)
            {
                throw new EmbeddingException($"Embedding response has an invalid or repeated index {index}.");
            }

            if (embedding.Count != Dimensions)
            {
                throw new EmbeddingException(
                    $"Embedding model '{_options.Model}' returned {embedding.Count} dimensions but {Dimensions} are configured; " +
                    "fix Memory:Embeddings:Dimensions (and rebuild the index) or the model name.");
            }

            vectors[index] = embedding.Select(v => v!.GetValue<float>()).ToArray();
        }

        return vectors;
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            JsonNode? error = JsonNode.Parse(body)?["error"];
            string? message = error is JsonObject ? error["message"]?.GetValue<string>() : error?.GetValue<string>();
            return message ?? Truncate(body);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Truncate(body);
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
