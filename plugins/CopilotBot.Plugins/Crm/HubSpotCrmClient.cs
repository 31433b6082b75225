using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Crm;

/// <summary>
/// HubSpot behind the CRM port: follow-up tasks are HubSpot task objects (CRM v3 API), owned by a HubSpot owner
/// and associated with a HubSpot company.
/// </summary>
/// <remarks>
/// <para>Ids: <see cref="CrmTask.Id"/> is the HubSpot task id. Workspace user ids and account ids are translated
/// through the two maps given to the constructor (user → owner id, account → company id) and back for the tasks
/// HubSpot returns; an owner or company that is not in a map reads back as <c>null</c>.</para>
/// <para>Due dates: HubSpot requires <c>hs_timestamp</c>; a due date is sent as UTC midnight of that day. A task
/// created without a due date gets the creation time instead, so it reads back due on its creation day (UTC).</para>
/// <para>Accounts: a task read by id carries its company (the read asks for <c>associations=companies</c>). The
/// search API returns no associations, so listed tasks carry an account only when the list was filtered by one
/// (the filter is HubSpot's <c>associations.company</c> search property).</para>
/// <para>Not recorded by HubSpot here: <see cref="CrmTask.CreatedBy"/> (known only on the task that
/// <see cref="CreateTaskAsync"/> returns) and <see cref="CrmTask.CompletedAt"/> (known only on the task that
/// <see cref="CompleteTaskAsync"/> returns).</para>
/// <para>Failures: 429 (honouring Retry-After) and 5xx are retried up to <see cref="HubSpotOptions.MaxAttempts"/>
/// tries; 401/403 throw at once with a message that names the setting but never contains the token; a try that
/// exceeds <see cref="HubSpotOptions.RequestTimeout"/> throws <see cref="TimeoutException"/> without a retry.
/// Note that a create retried after a 5xx can, rarely, create the task twice if HubSpot had stored it.</para>
/// </remarks>
public sealed class HubSpotCrmClient : ICrmClient
{
    /// <summary>HubSpot-defined association type: task → company.</summary>
    internal const int TaskToCompanyAssociationTypeId = 192;

    /// <summary>HubSpot returns at most 100 objects per search page and refuses to page past 10,000 results.</summary>
    internal const int PageSize = 100;

    private const int MaxPages = 100;

    private const string CompletedStatus = "COMPLETED";

    private static readonly string[] TaskProperties = ["hs_task_subject", "hs_task_status", "hs_timestamp", "hubspot_owner_id"];

    private readonly HttpClient _http;
    private readonly HubSpotOptions _options;
    private readonly Uri _baseUri;
    private readonly IReadOnlyDictionary<string, string> _ownerIds;
    private readonly IReadOnlyDictionary<string, string> _companyIds;
    private readonly Dictionary<string, string> _usersByOwner;
    private readonly Dictionary<string, string> _accountsByCompany;

    /// <param name="http">The client to send with (typed-client style); its BaseAddress is not used.</param>
    /// <param name="options">Base URL, token, timeout and retry settings.</param>
    /// <param name="ownerIds">Workspace user id → HubSpot owner id.</param>
    /// <param name="companyIds">Workspace account id → HubSpot company id.</param>
    public HubSpotCrmClient(
        HttpClient http,
        HubSpotOptions options,
        IReadOnlyDictionary<string, string> ownerIds,
        IReadOnlyDictionary<string, string> companyIds)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ownerIds);
        ArgumentNullException.ThrowIfNull(companyIds);
        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            throw new ArgumentException($"{HubSpotOptions.SectionName}:AccessToken is not set.", nameof(options));
        }

        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out Uri? baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{HubSpotOptions.SectionName}:BaseUrl must be an absolute http(s) URL.", nameof(options));
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{HubSpotOptions.SectionName}:RequestTimeout must be positive.", nameof(options));
        }

        if (options.MaxAttempts < 1 || options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{HubSpotOptions.SectionName}: MaxAttempts must be at least 1 and retry delays not negative.", nameof(options));
        }

        _http = http;
        _options = options;
        _baseUri = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/");
        _ownerIds = ownerIds;
        _companyIds = companyIds;
        _usersByOwner = Invert(ownerIds, "owner");
        _accountsByCompany = Invert(companyIds, "company");
    }

    public string DisplayName => "HubSpot";

    public async Task<CrmTask> CreateTaskAsync(string? accountId, string title, DateOnly? due, string assigneeId, string createdBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(assigneeId);
        if (!_ownerIds.TryGetValue(assigneeId, out string? ownerId))
        {
            throw new InvalidOperationException($"User {assigneeId} has no HubSpot owner id in the owner mapping, so the task can't be assigned in HubSpot.");
        }

        string? companyId = null;
        if (accountId is not null && !_companyIds.TryGetValue(accountId, out companyId))
        {
            throw new InvalidOperationException($"Account {accountId} has no HubSpot company id in the company mapping, so the task can't be linked to it in HubSpot.");
        }

        DateTimeOffset timestamp = due is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : at.ToUniversalTime();
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["hs_timestamp"] = FormatTimestamp(timestamp),
                ["hs_task_subject"] = title,
                ["hs_task_status"] = "NOT_STARTED",
                ["hs_task_priority"] = "MEDIUM",
                ["hs_task_type"] = "TODO",
                ["hubspot_owner_id"] = ownerId,
            },
        };
        if (companyId is not null)
        {
            body["associations"] = new JsonArray(new JsonObject
            {
                ["to"] = new JsonObject { ["id"] = companyId },
                ["types"] = new JsonArray(new JsonObject
                {
                    ["associationCategory"] = "HUBSPOT_DEFINED",
                    ["associationTypeId"] = TaskToCompanyAssociationTypeId,
                }),
            });
        }

        JsonNode created = (await SendAsync(HttpMethod.Post, "crm/v3/objects/tasks", body, "create the task", allowNotFound: false, cancellationToken))!;
        CrmTask task = ToTask(created, accountId);
        return task with { CreatedBy = createdBy, CreatedAt = Timestamp(created["createdAt"]) ?? at };
    }

    public async Task<IReadOnlyList<CrmTask>> ListTasksAsync(string? assigneeId, string? accountId, TaskState? status, CancellationToken cancellationToken)
    {
        var filters = new JsonArray();
        if (assigneeId is not null)
        {
            if (!_ownerIds.TryGetValue(assigneeId, out string? ownerId))
            {
                return [];  // nobody in HubSpot stands for this user, so no HubSpot task is theirs
            }

            filters.Add(Filter("hubspot_owner_id", "EQ", ownerId));
        }

        if (accountId is not null)
        {
            if (!_companyIds.TryGetValue(accountId, out string? companyId))
            {
                return [];
            }

            filters.Add(Filter("associations.company", "EQ", companyId));
        }

        if (status is { } s)
        {
            filters.Add(Filter("hs_task_status", s == TaskState.Done ? "EQ" : "NEQ", CompletedStatus));
        }

        var body = new JsonObject
        {
            ["filterGroups"] = filters.Count == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["filters"] = filters }),
            ["properties"] = new JsonArray(TaskProperties.Select(p => (JsonNode?)p).ToArray()),
            ["limit"] = PageSize,
        };

        var tasks = new List<CrmTask>();
        for (int page = 0; ; page++)
        {
            if (page == MaxPages)
            {
                throw new InvalidOperationException($"More than {MaxPages * PageSize} HubSpot tasks match; HubSpot search can't page further. Narrow the filter.");
            }

            JsonNode found = (await SendAsync(HttpMethod.Post, "crm/v3/objects/tasks/search", body, "search tasks", allowNotFound: false, cancellationToken))!;
            if (found["results"] is JsonArray results)
            {
                tasks.AddRange(results.OfType<JsonNode>().Select(r => ToTask(r, accountId)));
            }

            string? after = Text(found["paging"]?["next"]?["after"]);
            if (string.IsNullOrEmpty(after))
            {
                return tasks;
            }

            body["after"] = after;
        }
    }

    public async Task<CrmTask?> GetTaskAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsHubSpotId(id))
        {
            return null;  // HubSpot ids are numeric; anything else (e.g. an embedded-CRM id like T42) can't exist there
        }

        string path = $"crm/v3/objects/tasks/{id}?properties={string.Join(',', TaskProperties)}&associations=companies";
        JsonNode? json = await SendAsync(HttpMethod.Get, path, null, "read the task", allowNotFound: true, cancellationToken);
        return json is null ? null : ToTask(json, accountId: null);
    }

    public async Task<CrmTask?> CompleteTaskAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!IsHubSpotId(id))
        {
            return null;
        }

        var body = new JsonObject { ["properties"] = new JsonObject { ["hs_task_status"] = CompletedStatus } };
        JsonNode? patched = await SendAsync(HttpMethod.Patch, $"crm/v3/objects/tasks/{id}", body, "complete the task", allowNotFound: true, cancellationToken);
        if (patched is null)
        {
            return null;
        }

        // The PATCH answer carries only the changed and default properties; read the task for subject, owner, company.
        CrmTask task = await GetTaskAsync(id, cancellationToken) ?? ToTask(patched, accountId: null);
        return task with { Status = TaskState.Done, CompletedAt = at };
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string operation, bool allowNotFound, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUri, pathAndQuery);
        string? payload = body?.ToJsonString();
        for (int attempt = 1; ; attempt++)
        {
            (HttpStatusCode status, string text, TimeSpan? retryAfter) = await SendOnceAsync(method, uri, payload, operation, cancellationToken);
            int code = (int)status;
            if (code is >= 200 and < 300)
            {
                return Parse(text, operation);
            }

            if (status == HttpStatusCode.NotFound && allowNotFound)
            {
                return null;
            }

            if (status == HttpStatusCode.Unauthorized)
            {
                throw new InvalidOperationException($"HubSpot rejected the access token (401). Check {HubSpotOptions.SectionName}:AccessToken.");
            }

            if (status == HttpStatusCode.Forbidden)
            {
                throw new InvalidOperationException(
                    $"HubSpot refused access (403): the private app behind {HubSpotOptions.SectionName}:AccessToken lacks a scope needed to {operation}.");
            }

            bool retryable = status == HttpStatusCode.TooManyRequests || code >= 500;
            if (retryable && attempt < _options.MaxAttempts)
            {
                await Task.Delay(RetryDelay(attempt, retryAfter), cancellationToken);
                continue;
            }

            string tries = retryable ? $" after {attempt} tries" : string.Empty;
            throw new InvalidOperationException($"HubSpot could not {operation}{tries}: {code} {Describe(text)}");
        }
    }

    private async Task<(HttpStatusCode Status, string Text, TimeSpan? RetryAfter)> SendOnceAsync(
        HttpMethod method, Uri uri, string? payload, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (payload is not null)
        {
            request.Content = new StringContent(payload, Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            string text = await response.Content.ReadAsStringAsync(timeout.Token);
            return (response.StatusCode, text, RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our per-request limit (or HttpClient.Timeout) fired, not the caller's token.
            throw new TimeoutException($"HubSpot did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s when trying to {operation}.");
        }
    }

    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        TimeSpan delay = retryAfter ?? TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(attempt - 1, 16)));
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static JsonNode Parse(string text, string operation)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"HubSpot answered with invalid JSON when asked to {operation}.", e);
        }
    }

    /// <summary>The message and correlation id of a HubSpot error body, or its start; never the token.</summary>
    private string Describe(string text)
    {
        string description;
        try
        {
            JsonNode? error = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            string? message = Text(error?["message"]);
            string? correlation = Text(error?["correlationId"]);
            description = message is null ? Truncate(text) : correlation is null ? message : $"{message} (correlation id {correlation})";
        }
        catch (JsonException)
        {
            description = Truncate(text);
        }

        return description.Replace(_options.AccessToken, "[redacted]", StringComparison.Ordinal);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private CrmTask ToTask(JsonNode json, string? accountId)
    {
        string id = Text(json["id"]) ?? throw new InvalidOperationException("HubSpot answered with a task that has no id.");
        JsonNode? properties = json["properties"];
        string? subject = Text(properties?["hs_task_subject"]);
        string? owner = Text(properties?["hubspot_owner_id"]);
        DateTimeOffset? due = Timestamp(properties?["hs_timestamp"]);
        bool completed = string.Equals(Text(properties?["hs_task_status"]), CompletedStatus, StringComparison.OrdinalIgnoreCase);

        string? account = accountId;
        if (account is null && json["associations"]?["companies"]?["results"] is JsonArray companies)
        {
            account = companies.Select(c => Text(c?["id"])).OfType<string>()
                .Select(c => _accountsByCompany.GetValueOrDefault(c)).FirstOrDefault(a => a is not null);
        }

        return new CrmTask(
            id,
            account,
            string.IsNullOrWhiteSpace(subject) ? "(no subject)" : subject,
            due is { } d ? DateOnly.FromDateTime(d.UtcDateTime) : null,
            owner is null ? null : _usersByOwner.GetValueOrDefault(owner),
            completed ? TaskState.Done : TaskState.Open,
            Timestamp(json["createdAt"]) ?? Timestamp(properties?["hs_createdate"]) ?? DateTimeOffset.UnixEpoch,
            null,
            null);
    }

    private static JsonObject Filter(string property, string op, string value) =>
        new() { ["propertyName"] = property, ["operator"] = op, ["value"] = value };

    private static string FormatTimestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>HubSpot dates arrive as ISO-8601 strings, or as epoch milliseconds on some properties.</summary>
    private static DateTimeOffset? Timestamp(JsonNode? node)
    {
        string? text = Text(node);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long millis))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(millis);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at)
            ? at
            : null;
    }

    /// <summary>A JSON string or number as text; null for anything else.</summary>
    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static bool IsHubSpotId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 20 && id.All(char.IsAsciiDigit);

    private static Dictionary<string, string> Invert(IReadOnlyDictionary<string, string> map, string what)
    {
        var inverse = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string ours, string theirs) in map)
        {
            if (!inverse.TryAdd(theirs, ours))
            {
                throw new ArgumentException($"HubSpot {what} id {theirs} is mapped from both {inverse[theirs]} and {ours}; each must map from one id.");
            }
        }

        return inverse;
    }
}
