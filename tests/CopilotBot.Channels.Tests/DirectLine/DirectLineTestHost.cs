using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.DirectLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>
/// The Direct Line endpoint mapped the way the host maps it (AddCopilotChannels + MapCopilotDirectLine) on Kestrel at
/// 127.0.0.1 with an ephemeral port, a <see cref="ScriptedAgent"/> and a <see cref="ManualClock"/>; plus a small client for
/// the calls Web Chat makes.
/// </summary>
public sealed class DirectLineTestHost : IAsyncDisposable
{
    public const string Secret = "test-secret-0123456789abcdef";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;

    private DirectLineTestHost(WebApplication app, string baseUrl, ScriptedAgent agent, ManualClock clock)
    {
        _app = app;
        BaseUrl = baseUrl;
        Agent = agent;
        Clock = clock;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = Patience };
    }

    public string BaseUrl { get; }

    public ScriptedAgent Agent { get; }

    public ManualClock Clock { get; }

    public HttpClient Http { get; }

    public DirectLineConversationStore Store => _app.Services.GetRequiredService<DirectLineConversationStore>();

    public IServiceProvider Services => _app.Services;

    public static async Task<DirectLineTestHost> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var agent = new ScriptedAgent();
        var clock = new ManualClock();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DirectLine:Secret"] = Secret });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddKeyedSingleton<TimeProvider>(DirectLineServiceCollectionExtensions.ClockKey, clock);
        services?.Invoke(builder.Services);
        builder.Services.AddCopilotChannels(builder.Configuration);
        WebApplication app = builder.Build();
        app.MapCopilotDirectLine(agent.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DirectLineTestHost(app, address, agent, clock);
    }

    public async ValueTask DisposeAsync()
    {
        Agent.Gate.TrySetResult();
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What the page does: a token for <paramref name="user"/> from POST /api/directline/token.</summary>
    public async Task<(string Token, string ConversationId)> PageTokenAsync(string user = "jamie.ortiz")
    {
        HttpResponseMessage response = await Http.PostAsJsonAsync(DirectLineRoutes.PageTokenPath, new { user = new { id = user } });
        response.EnsureSuccessStatusCode();
        JsonObject body = await JsonAsync(response);
        return ((string)body["token"]!, (string)body["conversationId"]!);
    }

    /// <summary>A started conversation: its id, token and stream URL.</summary>
    public async Task<(string ConversationId, string Token, string StreamUrl)> StartConversationAsync(string user = "jamie.ortiz")
    {
        (string token, _) = await PageTokenAsync(user);
        HttpResponseMessage response = await SendAsync(HttpMethod.Post, "/v3/directline/conversations", token, new JsonObject { ["user"] = new JsonObject() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonObject body = await JsonAsync(response);
        return ((string)body["conversationId"]!, (string)body["token"]!, (string)body["streamUrl"]!);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, JsonNode? body = null) =>
        SendRawAsync(method, path, bearer, body?.ToJsonString());

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? bearer, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>A message as Web Chat posts it (with a clientActivityID).</summary>
    public static JsonObject Message(string text, string from = "jamie.ortiz", string clientActivityId = "client-1") => new()
    {
        ["type"] = "message",
        ["text"] = text,
        ["from"] = new JsonObject { ["id"] = from, ["role"] = "user" },
        ["locale"] = "en-US",
        ["channelData"] = new JsonObject { ["clientActivityID"] = clientActivityId },
    };

    /// <summary>A card click as Web Chat posts it: the Submit data as value, channelData.postBack.</summary>
    public static JsonObject PostBack(JsonObject value, string from = "jamie.ortiz") => new()
    {
        ["type"] = "message",
        ["from"] = new JsonObject { ["id"] = from, ["role"] = "user" },
        ["value"] = value.DeepClone(),
        ["channelData"] = new JsonObject { ["postBack"] = true, ["clientActivityID"] = "click-" + Guid.NewGuid().ToString("N") },
    };

    public async Task<string> PostActivityAsync(string conversationId, string token, JsonObject activity)
    {
        HttpResponseMessage response = await SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities", token, activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await JsonAsync(response))["id"]!;
    }

    /// <summary>One poll: GET …/activities?watermark=.</summary>
    public async Task<(JsonArray Activities, string? Watermark)> PollAsync(string conversationId, string token, string? watermark = null)
    {
        HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities?watermark={watermark}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonObject body = await JsonAsync(response);
        return ((JsonArray)body["activities"]!, (string?)body["watermark"]);
    }

    /// <summary>Polls the whole history until <paramref name="until"/> holds (generous timeout), returning it.</summary>
    public async Task<JsonArray> PollUntilAsync(string conversationId, string token, Func<JsonArray, bool> until)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        JsonArray activities;
        do
        {
            (activities, _) = await PollAsync(conversationId, token);
            if (until(activities))
            {
                return activities;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException("the history never matched; it was: " + activities.ToJsonString());
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject
        ?? throw new InvalidOperationException("not a JSON object");

    public static IEnumerable<JsonObject> OfType(JsonArray activities, string type) =>
        activities.OfType<JsonObject>().Where(a => (string?)a["type"] == type);

    public static IEnumerable<JsonObject> FromBot(JsonArray activities) =>
        OfType(activities, "message").Where(a => (string?)a["from"]?["role"] == "bot");
}
