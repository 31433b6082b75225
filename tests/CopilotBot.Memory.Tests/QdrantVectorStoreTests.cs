using System.Diagnostics;
using System.Text.Json.Nodes;
using CopilotBot.Memory.Qdrant;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests;

/// <summary>The Qdrant adapter's requests and response handling, against a scripted Qdrant-compatible server on loopback.</summary>
[Trait("Category", "Integration")]
public sealed class QdrantVectorStoreTests : IAsyncLifetime
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
    public async Task EnsureCollectionAsync_CreatesCosineCollectionAndPayloadIndexes_WhenMissing()
    {
        _server.Enqueue(QdrantReplies.Exists(false), QdrantReplies.Ok(true), QdrantReplies.CollectionInfo(4));
        _server.Enqueue([.. Enumerable.Range(0, 4).Select(_ => QdrantReplies.Completed())]);

        await Store().EnsureCollectionAsync("chunks", 4);

        var requests = _server.Requests;
        Assert.Equal(
            ["GET /collections/chunks/exists", "PUT /collections/chunks", "GET /collections/chunks",
             "PUT /collections/chunks/index?wait=true", "PUT /collections/chunks/index?wait=true", "PUT /collections/chunks/index?wait=true", "PUT /collections/chunks/index?wait=true"],
            requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal("""{"vectors":{"size":4,"distance":"Cosine"}}""", requests[1].Body);
        Assert.Equal("""{"field_name":"account_id","field_schema":{"type":"keyword","is_tenant":true}}""", requests[3].Body);
        Assert.Equal("""{"field_name":"timestamp","field_schema":"integer"}""", requests[6].Body);
        Assert.All(requests, r => Assert.Equal("secret-key", r.Header("api-key")));
    }

    [Fact]
    public async Task EnsureCollectionAsync_AcceptsConflict_WhenCreatedConcurrentlyWithSameShape()
    {
        _server.Enqueue(QdrantReplies.Exists(false), QdrantReplies.Error(409, "Wrong input: Collection `chunks` already exists!"), QdrantReplies.CollectionInfo(4));
        _server.Enqueue([.. Enumerable.Range(0, 4).Select(_ => QdrantReplies.Completed())]);

        await Store().EnsureCollectionAsync("chunks", 4);

        Assert.Equal(7, _server.Requests.Count);
    }

    [Fact]
    public async Task EnsureCollectionAsync_ThrowsNamingSizes_WhenExistingSizeDiffers()
    {
        _server.Enqueue(QdrantReplies.Exists(true), QdrantReplies.CollectionInfo(1536));

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store().EnsureCollectionAsync("chunks", 512));

        Assert.Contains("1536-dimension vectors but 512", error.Message);
    }

    [Fact]
    public async Task UpsertAsync_SendsBatchesWithUuidIdsAndPayload_WhenManyRecords()
    {
        _server.Enqueue(QdrantReplies.CollectionInfo(4), QdrantReplies.Completed(), QdrantReplies.Completed(), QdrantReplies.Completed());
        var records = Enumerable.Range(0, 5)
            .Select(i => new VectorRecord(new MemoryChunk(ConversationChunker.ChunkId($"c{i}", 0), $"c{i}", i == 0 ? null : "acct-a", 1_700_000_000 + i, "billing", -0.5, 0, $"text {i}"), [1, 0, 0, i]))
            .ToList();

        await Store(o => o.UpsertBatchSize = 2).UpsertAsync("chunks", records);

        var puts = _server.Requests.Skip(1).ToList();
        Assert.All(puts, r => Assert.Equal("PUT /collections/chunks/points?wait=true", $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal([2, 2, 1], puts.Select(r => r.Json["points"]!.AsArray().Count));
        JsonNode point = puts[0].Json["points"]![1]!;
        Assert.Equal(records[1].Chunk.Id.ToString("D"), point["id"]!.GetValue<string>());
        Assert.Equal("""{"conversation_id":"c1","account_id":"acct-a","timestamp":1700000001,"topic":"billing","sentiment":-0.5,"chunk_index":0,"text":"text 1"}""", point["payload"]!.ToJsonString());
        Assert.Null(puts[0].Json["points"]![0]!["payload"]!["account_id"]);
    }

    [Fact]
    public async Task QueryAsync_SendsFilterAndParsesPoints_WhenFiltered()
    {
        Guid id = ConversationChunker.ChunkId("c9", 2);
        _server.Enqueue(QdrantReplies.CollectionInfo(3), QdrantReplies.Ok(JsonNode.Parse($$$"""
            {"points":[{"id":"{{{id}}}","version":3,"score":0.87,"payload":{"conversation_id":"c9","account_id":"acct-b","timestamp":1700000500,
              "topic":"login","sentiment":0.25,"chunk_index":2,"text":"Customer: cannot log in","extra":"tolerated"}}]}
            """)));
        var filter = new VectorFilter
        {
            AccountIds = ["acct-a", "acct-b"],
            Topics = ["login"],
            From = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Until = DateTimeOffset.FromUnixTimeSeconds(1_700_086_400),
            ExcludeConversationIds = ["c1"],
        };

        IReadOnlyList<VectorHit> hits = await Store().QueryAsync("chunks", [0.5f, 0.25f, 0], 7, filter);

        RecordedRequest query = _server.Requests[1];
        Assert.Equal("POST /collections/chunks/points/query", $"{query.Method} {query.PathAndQuery}");
        Assert.Equal(
            """{"query":[0.5,0.25,0],"limit":7,"with_payload":true,"with_vector":false,"filter":{"must":[{"key":"account_id","match":{"any":["acct-a","acct-b"]}},{"key":"topic","match":{"value":"login"}},{"key":"timestamp","range":{"gte":1700000000,"lt":1700086400}}],"must_not":[{"key":"conversation_id","match":{"value":"c1"}}]}}""",
            query.Body);
        VectorHit hit = Assert.Single(hits);
        Assert.Equal(new MemoryChunk(id, "c9", "acct-b", 1_700_000_500, "login", 0.25, 2, "Customer: cannot log in"), hit.Chunk);
        Assert.Equal(0.87f, hit.Score);
    }

    [Fact]
    public async Task DeleteAndCount_SendFilterOrIds_WhenCalled()
    {
        Guid id = Guid.NewGuid();
        _server.Enqueue(QdrantReplies.Completed(), QdrantReplies.Completed(), QdrantReplies.Count(12));
        QdrantVectorStore store = Store();

        await store.DeleteByFilterAsync("chunks", VectorFilter.ForAccount("acct-a"));
        await store.DeleteAsync("chunks", [id]);
        long count = await store.CountAsync("chunks", new VectorFilter { Topics = ["billing"] });

        var requests = _server.Requests;
        Assert.Equal("POST /collections/chunks/points/delete?wait=true", $"{requests[0].Method} {requests[0].PathAndQuery}");
        Assert.Equal("""{"filter":{"must":[{"key":"account_id","match":{"value":"acct-a"}}]}}""", requests[0].Body);
        Assert.Equal($$"""{"points":["{{id}}"]}""", requests[1].Body);
        Assert.Equal("POST /collections/chunks/points/count", $"{requests[2].Method} {requests[2].PathAndQuery}");
        Assert.Equal("""{"exact":true,"filter":{"must":[{"key":"topic","match":{"value":"billing"}}]}}""", requests[2].Body);
        Assert.Equal(12, count);
    }

    [Fact]
    public async Task Calls_RefuseBadInputWithoutRequest_WhenFilterEmptyOrVectorWrong()
    {
        _server.Enqueue(QdrantReplies.CollectionInfo(3));
        QdrantVectorStore store = Store();

        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteByFilterAsync("chunks", new VectorFilter()));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync("chunks", [1, 0], 3));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync("chunks", [1, float.PositiveInfinity, 0], 3));

        Assert.Equal(["GET /collections/chunks"], _server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task CountAsync_Retries_WhenServerAnswers503ThenOk()
    {
        _server.Enqueue(QdrantReplies.Error(503, "Service unavailable: shard 0 is not ready"), QdrantReplies.Error(503, "still"), QdrantReplies.Count(3));

        long count = await Store().CountAsync("chunks");

        Assert.Equal(3, count);
        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("""{"exact":true}""", r.Body));
    }

    [Fact]
    public async Task CountAsync_ThrowsTransient_WhenRetriesAreExhausted()
    {
        _server.Enqueue([.. Enumerable.Range(0, 4).Select(_ => new ScriptedResponse(429, "{\"status\":{\"error\":\"Too many requests\"},\"time\":0}"))]);

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store(o => o.MaxRetries = 3).CountAsync("chunks"));

        Assert.Equal((429, true), (error.StatusCode, error.IsTransient));
        Assert.Contains("after 4 attempts: Too many requests", error.Message);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task CountAsync_ThrowsTimeout_WhenServerIsTooSlow()
    {
        _server.Enqueue(new ScriptedResponse(200, "{}", TimeSpan.FromSeconds(5)), new ScriptedResponse(200, "{}", TimeSpan.FromSeconds(5)));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store(o => { o.Timeout = TimeSpan.FromMilliseconds(200); o.MaxRetries = 1; }).CountAsync("chunks"));

        Assert.True(error.IsTransient);
        Assert.Contains("timed out after 0.2 s (2 attempts)", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task QueryAsync_ThrowsWithQdrantMessageWithoutRetry_WhenServerAnswers400()
    {
        _server.Enqueue(QdrantReplies.CollectionInfo(3), QdrantReplies.Error(400, "Wrong input: Vector dimension error: expected dim: 4, got 3"));

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store().QueryAsync("chunks", [1, 0, 0], 3));

        Assert.Equal((400, false), (error.StatusCode, error.IsTransient));
        Assert.Contains("HTTP 400: Wrong input: Vector dimension error: expected dim: 4, got 3", error.Message);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task CountAsync_ThrowsAuthError_WhenKeyIsRejectedWithPlainText()
    {
        _server.Enqueue(new ScriptedResponse(401, "Must provide an API key or an Authorization bearer token", ContentType: "text/plain"));

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store().CountAsync("chunks"));

        Assert.Contains("authentication failed (Must provide an API key", error.Message);
        Assert.Contains("Memory:Qdrant:ApiKey", error.Message);
    }

    [Fact]
    public async Task CountAsync_ThrowsCollectionNotFound_WhenServerAnswers404()
    {
        _server.Enqueue(QdrantReplies.Error(404, "Not found: Collection `chunks` doesn't exist!"));

        var error = await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store().CountAsync("chunks"));

        Assert.Equal("chunks", error.Collection);
    }

    [Fact]
    public async Task CountAsync_ThrowsClearly_WhenSuccessBodyIsNotJson()
    {
        _server.Enqueue(new ScriptedResponse(200, "<html>proxy</html>", ContentType: "text/html"));

        var error = await Assert.ThrowsAsync<VectorStoreException>(() => Store().CountAsync("chunks"));

        Assert.Contains("not JSON", error.Message);
    }

    private QdrantVectorStore Store(Action<QdrantOptions>? configure = null)
    {
        var options = new QdrantOptions { Endpoint = _server.BaseUri, ApiKey = "secret-key", RetryDelay = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return new QdrantVectorStore(_http, options);
    }
}
