using System.Text.Json.Nodes;
using CopilotBot.Plugins.Crm;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

public sealed class HubSpotCrmClientTests : IAsyncLifetime
{
    private const string Token = "pat-na1-secret-0000-1111";

    private static readonly Dictionary<string, string> OwnerIds = new() { ["U1"] = "9001", ["U2"] = "9002" };
    private static readonly Dictionary<string, string> CompanyIds = new() { ["P10342"] = "555", ["P20000"] = "777" };

    private readonly HttpClient _http = new();
    private ScriptedHubSpotServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedHubSpotServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CreateTaskAsync_SendsPropertiesOwnerAndCompanyAssociation_WhenAccountIsMapped()
    {
        _server.Enqueue(201, TaskJson("123", "Call Contoso", "NOT_STARTED", "2025-03-14T00:00:00Z", "9001"));

        await Client().CreateTaskAsync("P10342", "Call Contoso", new DateOnly(2025, 3, 14), "U1", "U2", At, CancellationToken.None);

        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/crm/v3/objects/tasks", request.PathAndQuery);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        JsonNode expected = JsonNode.Parse("""
            {"properties":{"hs_timestamp":"2025-03-14T00:00:00.000Z","hs_task_subject":"Call Contoso","hs_task_status":"NOT_STARTED",
              "hs_task_priority":"MEDIUM","hs_task_type":"TODO","hubspot_owner_id":"9001"},
             "associations":[{"to":{"id":"555"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":192}]}]}
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.Body);
    }

    [Fact]
    public async Task CreateTaskAsync_MapsResponseBackToWorkspaceIds_WhenHubSpotAnswers201()
    {
        _server.Enqueue(201, TaskJson("123", "Call Contoso", "NOT_STARTED", "2025-03-14T00:00:00Z", "9001", createdAt: "2025-03-01T09:30:00.000Z"));

        CrmTask task = await Client().CreateTaskAsync("P10342", "Call Contoso", new DateOnly(2025, 3, 14), "U1", "U2", At, CancellationToken.None);

        Assert.Equal(
            new CrmTask("123", "P10342", "Call Contoso", new DateOnly(2025, 3, 14), "U1", TaskState.Open,
                new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero), "U2", null),
            task);
    }

    [Fact]
    public async Task CreateTaskAsync_SendsNoAssociationAndCreationTime_WhenNoAccountOrDueDate()
    {
        _server.Enqueue(201, TaskJson("124", "Note", "NOT_STARTED", "2025-03-01T09:30:00Z", "9002"));

        CrmTask task = await Client().CreateTaskAsync(null, "Note", null, "U2", "U2", At, CancellationToken.None);

        JsonNode body = Assert.Single(_server.Requests).Json;
        Assert.Null(body["associations"]);
        Assert.Equal("2025-03-01T09:30:00.000Z", (string?)body["properties"]!["hs_timestamp"]);
        Assert.Null(task.AccountId);
        Assert.Equal("U2", task.AssigneeId);
    }

    [Fact]
    public async Task CreateTaskAsync_ThrowsWithoutCallingHubSpot_WhenAssigneeHasNoOwnerMapping()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Client().CreateTaskAsync("P10342", "Call", null, "U404", "U1", At, CancellationToken.None));

        Assert.Contains("U404", e.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task GetTaskAsync_MapsPropertiesAndCompany_WhenTaskIsCompleted()
    {
        _server.Enqueue(200, TaskJson("42", "Send renewal quote", "COMPLETED", "2025-04-02T00:00:00Z", "9002", companyId: "777"));

        CrmTask? task = await Client().GetTaskAsync("42", CancellationToken.None);

        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/crm/v3/objects/tasks/42?properties=hs_task_subject,hs_task_status,hs_timestamp,hubspot_owner_id&associations=companies", request.PathAndQuery);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.NotNull(task);
        Assert.Equal("42", task.Id);
        Assert.Equal("Send renewal quote", task.Title);
        Assert.Equal(TaskState.Done, task.Status);
        Assert.Equal(new DateOnly(2025, 4, 2), task.DueDate);
        Assert.Equal("U2", task.AssigneeId);
        Assert.Equal("P20000", task.AccountId);
    }

    [Fact]
    public async Task GetTaskAsync_MapsUnknownOwnerAndCompanyToNullAndOpen_WhenNotInMappings()
    {
        _server.Enqueue(200, TaskJson("43", "Check in", "IN_PROGRESS", "2025-04-02T00:00:00Z", "1234567", companyId: "999"));

        CrmTask? task = await Client().GetTaskAsync("43", CancellationToken.None);

        Assert.NotNull(task);
        Assert.Null(task.AssigneeId);
        Assert.Null(task.AccountId);
        Assert.Equal(TaskState.Open, task.Status);
    }

    [Fact]
    public async Task GetTaskAsync_ReturnsNull_WhenHubSpotAnswers404()
    {
        _server.Enqueue(404, """{"status":"error","message":"Object not found"}""");

        CrmTask? task = await Client().GetTaskAsync("404404", CancellationToken.None);

        Assert.Null(task);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetTaskAsync_ReturnsNullWithoutCallingHubSpot_WhenIdIsNotNumeric()
    {
        CrmTask? task = await Client().GetTaskAsync("T42/../x", CancellationToken.None);

        Assert.Null(task);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task CompleteTaskAsync_SendsPatchWithCompletedAndReturnsDoneTask_WhenTaskExists()
    {
        _server.Enqueue(200, """{"id":"42","properties":{"hs_task_status":"COMPLETED"}}""")
            .Enqueue(200, TaskJson("42", "Send renewal quote", "COMPLETED", "2025-04-02T00:00:00Z", "9001", companyId: "555"));

        CrmTask? task = await Client().CompleteTaskAsync("42", At, CancellationToken.None);

        RecordedRequest patch = _server.Requests[0];
        Assert.Equal("PATCH", patch.Method);
        Assert.Equal("/crm/v3/objects/tasks/42", patch.PathAndQuery);
        Assert.Equal($"Bearer {Token}", patch.Authorization);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"properties":{"hs_task_status":"COMPLETED"}}"""), patch.Json), patch.Body);
        Assert.NotNull(task);
        Assert.Equal(TaskState.Done, task.Status);
        Assert.Equal(At, task.CompletedAt);
        Assert.Equal("Send renewal quote", task.Title);
        Assert.Equal("P10342", task.AccountId);
    }

    [Fact]
    public async Task CompleteTaskAsync_ReturnsNull_WhenHubSpotAnswers404()
    {
        _server.Enqueue(404, """{"status":"error","message":"Object not found"}""");

        CrmTask? task = await Client().CompleteTaskAsync("42", At, CancellationToken.None);

        Assert.Null(task);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ListTasksAsync_FollowsPagingAcrossTwoPages_WhenHubSpotReturnsNextCursor()
    {
        _server.Enqueue(200, SearchJson(3, "abc", TaskJson("1", "A", "NOT_STARTED", "2025-05-01T00:00:00Z", "9001"), TaskJson("2", "B", "WAITING", "2025-05-02T00:00:00Z", "9001")))
            .Enqueue(200, SearchJson(3, null, TaskJson("3", "C", "NOT_STARTED", "2025-05-03T00:00:00Z", "9001")));

        IReadOnlyList<CrmTask> tasks = await Client().ListTasksAsync("U1", null, TaskState.Open, CancellationToken.None);

        Assert.Equal(["1", "2", "3"], tasks.Select(t => t.Id));
        Assert.All(tasks, t => Assert.Equal("U1", t.AssigneeId));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Null(_server.Requests[0].Json["after"]);
        Assert.Equal("abc", (string?)_server.Requests[1].Json["after"]);
    }

    [Fact]
    public async Task ListTasksAsync_SendsOwnerAndNotCompletedFilters_WhenAssigneeAndOpenAreGiven()
    {
        _server.Enqueue(200, SearchJson(0, null));

        await Client().ListTasksAsync("U1", null, TaskState.Open, CancellationToken.None);

        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/crm/v3/objects/tasks/search", request.PathAndQuery);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        JsonNode expected = JsonNode.Parse("""
            {"filterGroups":[{"filters":[{"propertyName":"hubspot_owner_id","operator":"EQ","value":"9001"},
                                         {"propertyName":"hs_task_status","operator":"NEQ","value":"COMPLETED"}]}],
             "properties":["hs_task_subject","hs_task_status","hs_timestamp","hubspot_owner_id"],"limit":100}
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.Body);
    }

    [Fact]
    public async Task ListTasksAsync_FiltersByAssociatedCompanyAndSetsAccount_WhenAccountIsGiven()
    {
        _server.Enqueue(200, SearchJson(1, null, TaskJson("7", "Renewal", "COMPLETED", "2025-05-01T00:00:00Z", "9002")));

        IReadOnlyList<CrmTask> tasks = await Client().ListTasksAsync(null, "P20000", TaskState.Done, CancellationToken.None);

        JsonNode filters = Assert.Single(_server.Requests).Json["filterGroups"]![0]!["filters"]!;
        JsonNode expected = JsonNode.Parse("""
            [{"propertyName":"associations.company","operator":"EQ","value":"777"},
             {"propertyName":"hs_task_status","operator":"EQ","value":"COMPLETED"}]
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, filters), filters.ToJsonString());
        CrmTask task = Assert.Single(tasks);
        Assert.Equal("P20000", task.AccountId);
        Assert.Equal(TaskState.Done, task.Status);
    }

    [Fact]
    public async Task ListTasksAsync_ReturnsEmptyWithoutCallingHubSpot_WhenAssigneeHasNoOwnerMapping()
    {
        IReadOnlyList<CrmTask> tasks = await Client().ListTasksAsync("U404", null, null, CancellationToken.None);

        Assert.Empty(tasks);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task CreateTaskAsync_SucceedsAfterOneRetry_WhenHubSpotAnswers429WithRetryAfter()
    {
        _server.Enqueue(429, """{"status":"error","message":"rate limit"}""", new Dictionary<string, string> { ["Retry-After"] = "1" })
            .Enqueue(201, TaskJson("123", "Call Contoso", "NOT_STARTED", "2025-03-14T00:00:00Z", "9001"));

        // RetryDelay is tiny, so a wait of about a second can only come from Retry-After.
        CrmTask task = await Client(o => o.RetryDelay = TimeSpan.FromMilliseconds(1))
            .CreateTaskAsync("P10342", "Call Contoso", new DateOnly(2025, 3, 14), "U1", "U1", At, CancellationToken.None);

        Assert.Equal("123", task.Id);
        Assert.Equal(2, _server.Requests.Count);
        Assert.True(_server.Requests[1].At - _server.Requests[0].At >= TimeSpan.FromMilliseconds(900),
            $"retried after {(_server.Requests[1].At - _server.Requests[0].At).TotalMilliseconds} ms");
        Assert.Equal(_server.Requests[0].Body, _server.Requests[1].Body);
    }

    [Fact]
    public async Task GetTaskAsync_SucceedsAfterRetry_WhenHubSpotAnswers503()
    {
        _server.Enqueue(503).Enqueue(502)
            .Enqueue(200, TaskJson("42", "A", "NOT_STARTED", "2025-04-02T00:00:00Z", "9001"));

        CrmTask? task = await Client(o => o.RetryDelay = TimeSpan.FromMilliseconds(10)).GetTaskAsync("42", CancellationToken.None);

        Assert.Equal("42", task?.Id);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task GetTaskAsync_ThrowsAfterThreeTries_WhenHubSpotKeepsAnswering500()
    {
        _server.Enqueue(500).Enqueue(500).Enqueue(500).Enqueue(200, TaskJson("42", "A", "NOT_STARTED", "2025-04-02T00:00:00Z", "9001"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Client(o => o.RetryDelay = TimeSpan.FromMilliseconds(10)).GetTaskAsync("42", CancellationToken.None));

        Assert.Contains("500", e.Message);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task CreateTaskAsync_ThrowsMessageWithoutToken_WhenHubSpotAnswers401()
    {
        _server.Enqueue(401, $$"""{"status":"error","message":"Authentication credentials not found. Token {{Token}} is invalid."}""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Client().CreateTaskAsync("P10342", "Call", null, "U1", "U1", At, CancellationToken.None));

        Assert.Contains("401", e.Message);
        Assert.Contains("Crm:HubSpot:AccessToken", e.Message);
        Assert.DoesNotContain(Token, e.ToString());
        Assert.Single(_server.Requests);  // not retried
    }

    [Fact]
    public async Task GetTaskAsync_ThrowsMessageWithoutToken_WhenHubSpotAnswers403()
    {
        _server.Enqueue(403, """{"status":"error","message":"This app hasn't been granted all required scopes"}""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Client().GetTaskAsync("42", CancellationToken.None));

        Assert.Contains("403", e.Message);
        Assert.DoesNotContain(Token, e.ToString());
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task CreateTaskAsync_ThrowsWithHubSpotMessageButRedactedToken_WhenErrorBodyEchoesToken()
    {
        _server.Enqueue(400, $$"""{"status":"error","message":"Property values were not valid for {{Token}}","correlationId":"c-1"}""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Client().CreateTaskAsync("P10342", "Call", null, "U1", "U1", At, CancellationToken.None));

        Assert.Contains("Property values were not valid", e.Message);
        Assert.Contains("c-1", e.Message);
        Assert.DoesNotContain(Token, e.Message);
        Assert.Single(_server.Requests);  // 400 is not retried
    }

    [Fact]
    public async Task GetTaskAsync_ThrowsTimeout_WhenHubSpotIsSlowerThanRequestTimeout()
    {
        _server.Enqueue(200, TaskJson("42", "A", "NOT_STARTED", "2025-04-02T00:00:00Z", "9001"), delay: TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<TimeoutException>(() =>
            Client(o => o.RequestTimeout = TimeSpan.FromMilliseconds(200)).GetTaskAsync("42", CancellationToken.None));

        Assert.Single(_server.Requests);
    }

    [Fact]
    public void ToString_OmitsAccessToken_WhenTokenIsSet()
    {
        var options = new HubSpotOptions { AccessToken = Token };

        string text = options.ToString();

        Assert.DoesNotContain(Token, text);
        Assert.Contains("(set)", text);
    }

    [Fact]
    public void Constructor_Throws_WhenTwoUsersMapToOneOwner()
    {
        var owners = new Dictionary<string, string> { ["U1"] = "9001", ["U2"] = "9001" };

        Assert.Throws<ArgumentException>(() => new HubSpotCrmClient(_http, Options(), owners, CompanyIds));
    }

    private static readonly DateTimeOffset At = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private HubSpotOptions Options(Action<HubSpotOptions>? configure = null)
    {
        var options = new HubSpotOptions { BaseUrl = _server.BaseUrl.ToString(), AccessToken = Token, RetryDelay = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options);
        return options;
    }

    private HubSpotCrmClient Client(Action<HubSpotOptions>? configure = null) => new(_http, Options(configure), OwnerIds, CompanyIds);

    private static string TaskJson(string id, string subject, string status, string timestamp, string ownerId, string? companyId = null, string createdAt = "2025-03-01T09:30:00Z")
    {
        var task = new JsonObject
        {
            ["id"] = id,
            ["properties"] = new JsonObject
            {
                ["hs_task_subject"] = subject,
                ["hs_task_status"] = status,
                ["hs_timestamp"] = timestamp,
                ["hubspot_owner_id"] = ownerId,
                ["hs_object_id"] = id,
            },
            ["createdAt"] = createdAt,
            ["updatedAt"] = createdAt,
            ["archived"] = false,
        };
        if (companyId is not null)
        {
            task["associations"] = JsonNode.Parse($$$"""{"companies":{"results":[{"id":"{{{companyId}}}","type":"task_to_company"}]}}""");
        }

        return task.ToJsonString();
    }

    private static string SearchJson(int total, string? after, params string[] tasks)
    {
        var search = new JsonObject
        {
            ["total"] = total,
            ["results"] = new JsonArray(tasks.Select(t => JsonNode.Parse(t)).ToArray()),
        };
        if (after is not null)
        {
            search["paging"] = JsonNode.Parse($$$"""{"next":{"after":"{{{after}}}","link":"https://api.hubapi.com/crm/v3/objects/tasks/search?after={{{after}}}"}}""");
        }

        return search.ToJsonString();
    }
}
