using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>The websocket stream as DirectLineJS uses it: activity sets with watermarks, "" pings, reconnect after a watermark.</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static async Task<ClientWebSocket> ConnectAsync(string streamUrl)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(new Uri(streamUrl), timeout.Token);
        return socket;
    }

    /// <summary>The next message: an activity set, or null when the server closed the socket.</summary>
    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var message = new MemoryStream();
        byte[] buffer = new byte[8192];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!;
    }

    /// <summary>Receives activity sets until one holds an activity matching <paramref name="match"/>; returns every set received.</summary>
    private static async Task<List<JsonObject>> ReceiveUntilAsync(ClientWebSocket socket, Func<JsonObject, bool> match)
    {
        var sets = new List<JsonObject>();
        while (true)
        {
            JsonObject set = await ReceiveAsync(socket) ?? throw new InvalidOperationException("the stream closed; got: " + string.Join(" ", sets));
            sets.Add(set);
            if (((JsonArray)set["activities"]!).OfType<JsonObject>().Any(match))
            {
                return sets;
            }
        }
    }

    private static bool IsBotMessage(JsonObject activity) => (string?)activity["type"] == "message" && (string?)activity["from"]?["role"] == "bot";

    [Fact]
    public async Task Stream_PushesTheHistoryThenEachNewActivity_AndToleratesPings()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, string streamUrl) = await host.StartConversationAsync();
        using ClientWebSocket socket = await ConnectAsync(streamUrl);

        List<JsonObject> welcome = await ReceiveUntilAsync(socket, IsBotMessage);
        await socket.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("over the socket", clientActivityId: "ws-1"));
        List<JsonObject> answer = await ReceiveUntilAsync(socket, a => IsBotMessage(a) && (string?)a["replyToId"] == id);

        var activities = welcome.Concat(answer).SelectMany(s => ((JsonArray)s["activities"]!).OfType<JsonObject>()).ToList();
        Assert.Equal("conversationUpdate", (string?)activities[0]["type"]);
        JsonObject echo = activities.Single(a => (string?)a["id"] == id);
        Assert.Equal("ws-1", (string?)echo["channelData"]!["clientActivityID"]);
        Assert.Equal("You said: over the socket", (string?)activities.Last(IsBotMessage)["text"]);
        long[] watermarks = welcome.Concat(answer).Select(s => long.Parse((string)s["watermark"]!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(watermarks.Order().Distinct(), watermarks);
        Assert.Equal(activities.Count, activities.Select(a => (string?)a["id"]).Count(i => i is not null));
    }

    [Fact]
    public async Task Stream_ResumesAfterTheWatermark_WhenReconnecting()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        (_, string? watermark) = await host.PollAsync(conversationId, token);
        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("while away"));
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        HttpResponseMessage reconnect = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}?watermark={watermark}", token);
        using ClientWebSocket socket = await ConnectAsync((string)(await DirectLineTestHost.JsonAsync(reconnect))["streamUrl"]!);
        JsonObject first = (await ReceiveAsync(socket))!;

        JsonArray activities = (JsonArray)first["activities"]!;
        Assert.Equal(id, (string?)activities[0]!["id"]);
        Assert.Equal("You said: while away", (string?)activities[^1]!["text"]);
        Assert.DoesNotContain(activities.OfType<JsonObject>(), a => (string?)a["type"] == "conversationUpdate");
    }

    [Fact]
    public async Task Stream_Returns403_WhenItsTokenIsAConversationTokenOrForAnotherConversation()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, string streamUrl) = await host.StartConversationAsync();
        (_, _, string otherStreamUrl) = await host.StartConversationAsync();
        string otherStreamToken = otherStreamUrl[(otherStreamUrl.IndexOf("t=", StringComparison.Ordinal) + 2)..];
        string http = streamUrl[..streamUrl.IndexOf('?', StringComparison.Ordinal)].Replace("ws://", "http://", StringComparison.Ordinal);

        HttpResponseMessage conversationToken = await host.Http.GetAsync($"{http}?t={Uri.EscapeDataString(token)}");
        HttpResponseMessage otherConversation = await host.Http.GetAsync($"{http}?t={otherStreamToken}");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync($"{streamUrl[..streamUrl.IndexOf('?', StringComparison.Ordinal)]}?t={otherStreamToken}"));

        Assert.Equal(HttpStatusCode.Forbidden, conversationToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherConversation.StatusCode);
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Contains(conversationId, http, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewConversation_IsRefusedWith429_RatherThanEvictingOneWithAnOpenStream()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync(new() { ["DirectLine:MaxConversations"] = "1" });
        (string conversationId, string token, string streamUrl) = await host.StartConversationAsync();
        using ClientWebSocket socket = await ConnectAsync(streamUrl);
        await ReceiveUntilAsync(socket, IsBotMessage);

        (string otherToken, _) = await host.PageTokenAsync("someone.else");
        HttpResponseMessage refused = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", otherToken, new JsonObject());
        HttpResponseMessage poll = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities", token);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("try again", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
    }
}
