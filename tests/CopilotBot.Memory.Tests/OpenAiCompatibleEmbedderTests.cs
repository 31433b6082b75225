using System.Text.Json.Nodes;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests;

public sealed class OpenAiCompatibleEmbedderTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private ScriptedHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task EmbedAsync_OrdersByIndexAndSendsModel_WhenServerAnswersOutOfOrder()
    {
        _server.Enqueue(new ScriptedResponse(200, Embeddings((1, [0, 1, 0]), (0, [1, 0, 0]))));
        OpenAiCompatibleEmbedder embedder = Embedder();

        float[][] vectors = await embedder.EmbedAsync(["first", "second"]);

        Assert.Equal([1f, 0, 0], vectors[0]);
        Assert.Equal([0f, 1, 0], vectors[1]);
        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/v1/embeddings"), (request.Method, request.Path));
        Assert.Equal("Bearer sk-test", request.Header("Authorization"));
        Assert.Equal("text-embedding-3-small", request.Json["model"]!.GetValue<string>());
        Assert.Equal(["first", "second"], request.Json["input"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("openai:text-embedding-3-small", embedder.Id);
    }

    [Fact]
    public async Task EmbedAsync_SplitsIntoBatches_WhenMoreTextsThanBatchSize()
    {
        _server.Enqueue(new ScriptedResponse(200, Embeddings((0, [1, 0, 0]), (1, [0, 1, 0]))), new ScriptedResponse(200, Embeddings((0, [0, 0, 1]))));

        float[][] vectors = await Embedder(o => o.BatchSize = 2).EmbedAsync(["a", "b", "c"]);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([0f, 0, 1], vectors[2]);
    }

    [Fact]
    public async Task EmbedAsync_ThrowsNamingBothSizes_WhenDimensionDiffers()
    {
        _server.Enqueue(new ScriptedResponse(200, Embeddings((0, [1, 0]))));

        var error = await Assert.ThrowsAsync<EmbeddingException>(() => Embedder().EmbedAsync(["a"]));

        Assert.Contains("returned 2 dimensions but 3 are configured", error.Message);
    }

    [Fact]
    public async Task EmbedAsync_ThrowsWithProviderMessage_WhenServerRefuses()
    {
        _server.Enqueue(new ScriptedResponse(404, """{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","code":"model_not_found"}}"""));

        var error = await Assert.ThrowsAsync<EmbeddingException>(() => Embedder().EmbedAsync(["a"]));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("does not exist", error.Message);
    }

    private OpenAiCompatibleEmbedder Embedder(Action<OpenAiEmbedderOptions>? configure = null)
    {
        var options = new OpenAiEmbedderOptions { Endpoint = new Uri(_server.BaseUri, "v1"), ApiKey = "sk-test", Dimensions = 3 };
        configure?.Invoke(options);
        return new OpenAiCompatibleEmbedder(_http, options);
    }

    private static string Embeddings(params (int Index, float[] Vector)[] items) => new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. items.Select(i => (JsonNode?)new JsonObject
        {
            ["object"] = "embedding",
            ["index"] = i.Index,
            ["embedding"] = new JsonArray([.. i.Vector.Select(v => (JsonNode?)JsonValue.Create(v))]),
        })]),
        ["model"] = "text-embedding-3-small",
        ["usage"] = new JsonObject { ["prompt_tokens"] = 3, ["total_tokens"] = 3 },
    }.ToJsonString();
}
