using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Slack;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Channels.Tests;

/// <summary>
/// The endpoints mapped the way the host should map them (AddCopilotChannels + three routes), over real HTTP: a
/// Playground-style Teams message answered through a loopback Bot Connector, and a signed Slack mention answered through a
/// loopback Web API.
/// </summary>
public sealed class HostMappingTests
{
    private static async Task<(WebApplication App, string BaseUrl)> StartBotAsync(Dictionary<string, string?> settings)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCopilotChannels(builder.Configuration);
        WebApplication app = builder.Build();

        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = (request, _) =>
            Task.FromResult(TurnReply.Plain($"[{request.Channel}] {request.UserId} asked: {request.Text}"));
        app.MapMethods("/api/messages", ["POST", "HEAD"], (HttpContext context, BotFrameworkEndpoint endpoint) => endpoint.HandleAsync(context, agent));
        app.MapPost("/api/slack/events", (HttpContext context, SlackEndpoint endpoint) => endpoint.HandleEventsAsync(context, agent));
        app.MapPost("/api/slack/interactivity", (HttpContext context, SlackEndpoint endpoint) => endpoint.HandleInteractivityAsync(context, agent));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address);
    }

    private static async Task<RecordedRequest> WaitForAsync(LoopbackServer server, Func<RecordedRequest, bool> match)
    {
        for (int i = 0; i < 100; i++)
        {
            if (server.Requests.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("expected request never arrived; saw: " + string.Join(", ", server.Requests.Select(r => r.RawTarget)));
    }

    [Fact]
    public async Task Teams_message_in_anonymous_mode_is_acknowledged_and_answered_through_the_connector()
    {
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 201;
            await context.Response.WriteAsync("{\"id\":\"reply-1\"}");
        });
        (WebApplication app, string bot) = await StartBotAsync([]);
        await using (app)
        {
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, bot + "/api/messages"))).StatusCode);

            string activity = new JsonObject
            {
                ["type"] = "message", ["id"] = "m-1", ["channelId"] = "msteams", ["serviceUrl"] = connector.BaseUrl + "/_connector",
                ["from"] = new JsonObject { ["id"] = "user-id-0", ["name"] = "Alex Wilber" },
                ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CopilotBot" },
                ["conversation"] = new JsonObject { ["id"] = "19:abc@thread.tacv2;messageid=7", ["conversationType"] = "channel" },
                ["text"] = "<at>CopilotBot</at> hello",
                ["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["mentioned"] = new JsonObject { ["id"] = "28:bot" }, ["text"] = "<at>CopilotBot</at>" }),
            }.ToJsonString();
            HttpResponseMessage response = await http.PostAsync(bot + "/api/messages", new StringContent(activity, Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            RecordedRequest reply = await WaitForAsync(connector, r => r.Body.Contains("\"type\":\"message\"", StringComparison.Ordinal));
            Assert.Equal("/_connector/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D7/activities/m-1", reply.RawTarget);
            Assert.Equal("[msteams] user-id-0 asked: hello", (string?)JsonNode.Parse(reply.Body)!["text"]);
            Assert.False(reply.Headers.ContainsKey("Authorization"));

            HttpResponseMessage bad = await http.PostAsync(bot + "/api/messages", new StringContent("{\"type\":\"message\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Teams_endpoint_with_an_app_id_refuses_unauthenticated_requests()
    {
        (WebApplication app, string bot) = await StartBotAsync(new()
        {
            ["Bot:MicrosoftAppId"] = "app-id",
            ["Bot:MicrosoftAppPassword"] = "secret",
            ["Bot:OpenIdMetadataUrl"] = "http://127.0.0.1:9/openid",
        });
        await using (app)
        {
            using var http = new HttpClient();
            string activity = """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/amer/","from":{"id":"29:u"},"recipient":{"id":"28:b"},"conversation":{"id":"a:1"},"text":"hi"}""";

            HttpResponseMessage response = await http.PostAsync(bot + "/api/messages", new StringContent(activity, Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Slack_mention_is_acknowledged_and_answered_with_chat_post_message()
    {
        await using LoopbackServer slack = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"2.2\"}");
        });
        (WebApplication app, string bot) = await StartBotAsync(new()
        {
            ["Slack:SigningSecret"] = "shh",
            ["Slack:BotToken"] = "xoxb-1",
            ["Slack:ApiBaseUrl"] = slack.BaseUrl + "/api/",
        });
        await using (app)
        {
            using var http = new HttpClient();
            string body = Slack.SlackParsingTests.Callback(Slack.SlackParsingTests.Mention("<@UBOT> churn?"));
            string ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, bot + "/api/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
            request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign("shh", ts, Encoding.UTF8.GetBytes(body)));

            HttpResponseMessage response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            RecordedRequest post = await WaitForAsync(slack, r => r.RawTarget == "/api/chat.postMessage");
            Assert.Equal("Bearer xoxb-1", post.Headers["Authorization"]);
            JsonNode json = JsonNode.Parse(post.Body)!;
            Assert.Equal("[slack] U123 asked: churn?", (string?)json["text"]);
            Assert.Equal("1700000000.000100", (string?)json["thread_ts"]);

            HttpResponseMessage unsigned = await http.PostAsync(bot + "/api/slack/interactivity", new StringContent("payload=%7B%7D", Encoding.UTF8, "application/x-www-form-urlencoded"));
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            await app.StopAsync();
        }
    }
}
