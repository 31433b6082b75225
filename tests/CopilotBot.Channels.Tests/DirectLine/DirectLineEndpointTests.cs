using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.DirectLine;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>The Direct Line contract Web Chat relies on, over real HTTP on loopback (polling; the websocket has its own tests).</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineEndpointTests
{
    [Fact]
    public async Task StartConversation_Returns201WithTokenAndStreamUrl_AndWelcomes()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string pageToken, string reserved) = await host.PageTokenAsync("jamie.ortiz");

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", pageToken, new JsonObject { ["user"] = new JsonObject() });
        JsonObject body = await DirectLineTestHost.JsonAsync(response);
        string conversationId = (string)body["conversationId"]!;
        JsonArray history = await host.PollUntilAsync(conversationId, (string)body["token"]!, a => DirectLineTestHost.FromBot(a).Any());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(reserved, conversationId);
        Assert.Equal(1800, (int)body["expires_in"]!);
        Assert.StartsWith($"{host.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}/v3/directline/conversations/{conversationId}/stream?t=", (string)body["streamUrl"]!, StringComparison.Ordinal);
        JsonObject update = DirectLineTestHost.OfType(history, "conversationUpdate").Single();
        Assert.Equal(["copilotbot", "jamie.ortiz"], ((JsonArray)update["membersAdded"]!).Select(m => (string?)m!["id"]));
        JsonObject welcome = DirectLineTestHost.FromBot(history).Single();
        Assert.Equal("Welcome! Ask me anything.", (string?)welcome["text"]);
        Assert.Equal((string?)update["id"], (string?)welcome["replyToId"]);
        Assert.Equal("help", host.Agent.Requests.Single().Text);
    }

    [Fact]
    public async Task StartConversation_Returns200AndNoSecondWelcome_WhenTheTokensConversationAlreadyRuns()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());

        HttpResponseMessage again = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", token);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(conversationId, (string?)(await DirectLineTestHost.JsonAsync(again))["conversationId"]);
        Assert.Single(host.Agent.Requests);
    }

    [Fact]
    public async Task PostActivity_EchoesWithIdAndClientActivityId_ThenTheBotReplies()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("hello there", clientActivityId: "c-42"));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        JsonObject echo = history.OfType<JsonObject>().Single(a => (string?)a["id"] == id);
        Assert.Equal("c-42", (string?)echo["channelData"]!["clientActivityID"]);
        Assert.Equal("jamie.ortiz", (string?)echo["from"]!["id"]);
        Assert.Equal("hello there", (string?)echo["text"]);
        Assert.StartsWith(conversationId + "|", id, StringComparison.Ordinal);
        JsonObject reply = DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == id);
        Assert.Equal("You said: hello there", (string?)reply["text"]);
        Assert.Equal("plain", (string?)reply["textFormat"]);
        Assert.True(string.CompareOrdinal((string?)echo["timestamp"], (string?)reply["timestamp"]) < 0);
        var turn = host.Agent.Requests.Last();
        Assert.Equal(("directline", conversationId, "jamie.ortiz", "hello there"), (turn.Channel, turn.ConversationId, turn.UserId, turn.Text));
        Assert.Empty(DirectLineTestHost.OfType(history, "typing"));
    }

    [Fact]
    public async Task GetActivities_ReturnsOnlyWhatCameAfterTheWatermark()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        (JsonArray first, string? watermark) = await host.PollAsync(conversationId, token);

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("second"));
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));
        (JsonArray next, string? nextWatermark) = await host.PollAsync(conversationId, token, watermark);
        (JsonArray none, string? sameWatermark) = await host.PollAsync(conversationId, token, nextWatermark);

        Assert.NotNull(watermark);
        Assert.Equal(2, first.Count);
        Assert.Equal(2, next.Count);
        Assert.Equal(id, (string?)next[0]!["id"]);
        Assert.Equal("You said: second", (string?)next[^1]!["text"]);
        Assert.True(long.Parse(nextWatermark!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(watermark, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(none);
        Assert.Equal(nextWatermark, sameWatermark);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public async Task GetActivities_Returns400_WhenTheWatermarkIsNotANumber(string watermark)
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities?watermark={watermark}", token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadArgument", (string?)(await DirectLineTestHost.JsonAsync(response))["error"]!["code"]);
    }

    [Fact]
    public async Task PostActivity_Returns403AndStoresNothing_WhenFromIsAnotherUser()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync("jamie.ortiz");
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        int before = host.Agent.Requests.Count;

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities", token, DirectLineTestHost.Message("approve everything", from: "dana.whitfield"));
        (JsonArray history, _) = await host.PollAsync(conversationId, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(history.OfType<JsonObject>(), a => (string?)a["text"] == "approve everything");
        Assert.Equal(before, host.Agent.Requests.Count);
    }

    [Fact]
    public async Task PostActivity_UsesTheTokensUser_WhenFromIsMissing()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync("riley.chen");
        JsonObject message = DirectLineTestHost.Message("hi");
        message.Remove("from");

        string id = await host.PostActivityAsync(conversationId, token, message);
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        Assert.Equal("riley.chen", (string?)history.OfType<JsonObject>().Single(a => (string?)a["id"] == id)["from"]!["id"]);
        Assert.Equal("riley.chen", host.Agent.Requests.Last().UserId);
    }

    [Fact]
    public async Task Requests_Return403_WhenTheTokenHasExpired_AndRefreshKeepsItAlive()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        string path = $"/v3/directline/conversations/{conversationId}/activities";

        host.Clock.Advance(TimeSpan.FromMinutes(20));
        HttpResponseMessage refresh = await host.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", token);
        string refreshed = (string)(await DirectLineTestHost.JsonAsync(refresh))["token"]!;
        host.Clock.Advance(TimeSpan.FromMinutes(11));
        HttpResponseMessage expired = await host.SendAsync(HttpMethod.Get, path, token);
        HttpResponseMessage expiredPost = await host.SendAsync(HttpMethod.Post, path, token, DirectLineTestHost.Message("late"));
        HttpResponseMessage fresh = await host.SendAsync(HttpMethod.Get, path, refreshed);

        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("TokenExpired", (string?)(await DirectLineTestHost.JsonAsync(expired))["error"]!["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, expiredPost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Requests_Return401_WhenNoTokenIsSent_And403_WhenItIsForgedOrForAnotherConversation()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync("jamie.ortiz");
        (_, string otherToken, _) = await host.StartConversationAsync("jamie.ortiz");
        string path = $"/v3/directline/conversations/{conversationId}/activities";
        string[] parts = token.Split('.');
        string forged = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"user\":\"dana.whitfield\",\"conv\":\"" + conversationId + "\",\"scope\":\"conversation\",\"exp\":9999999999}")).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];

        HttpResponseMessage none = await host.SendAsync(HttpMethod.Get, path, null);
        HttpResponseMessage garbage = await host.SendAsync(HttpMethod.Get, path, "not-a-token");
        HttpResponseMessage tampered = await host.SendAsync(HttpMethod.Get, path, forged);
        HttpResponseMessage other = await host.SendAsync(HttpMethod.Get, path, otherToken);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Requests_Return403_WhenTheTokensUserIsNotTheConversations()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        host.Store.GetOrStart("shared-id", "jamie.ortiz");
        (string token, _) = host.Services.GetRequiredService<DirectLineTokens>().Mint("dana.whitfield", "shared-id", DirectLineTokens.ConversationScope);

        HttpResponseMessage poll = await host.SendAsync(HttpMethod.Get, "/v3/directline/conversations/shared-id/activities", token);
        HttpResponseMessage start = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", token);

        Assert.Equal(HttpStatusCode.Forbidden, poll.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
    }

    [Fact]
    public async Task Requests_Return404_WhenTheConversationIsUnknown()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string notStartedToken, string notStarted) = await host.PageTokenAsync();

        HttpResponseMessage poll = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{notStarted}/activities", notStartedToken);
        HttpResponseMessage post = await host.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{notStarted}/activities", notStartedToken, DirectLineTestHost.Message("hi"));
        HttpResponseMessage reconnect = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{notStarted}", notStartedToken);
        HttpResponseMessage withSecret = await host.SendAsync(HttpMethod.Get, "/v3/directline/conversations/nope/activities", DirectLineTestHost.Secret);

        Assert.Equal(HttpStatusCode.NotFound, poll.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reconnect.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withSecret.StatusCode);
        Assert.Empty(host.Agent.Requests);
    }

    [Theory]
    [InlineData("{\"type\":\"message\",\"text\":", 400, "MalformedJson")]
    [InlineData("[{\"type\":\"message\"}]", 400, "NotAnObject")]
    [InlineData("\"message\"", 400, "NotAnObject")]
    [InlineData("{\"type\":42,\"text\":\"hi\"}", 400, "MalformedJson")]
    [InlineData("{\"type\":\"message\",\"text\":{\"a\":1}}", 400, "MalformedJson")]
    [InlineData("{\"type\":\"message\",\"text\":\"hi\",\"from\":\"jamie.ortiz\"}", 400, "MalformedJson")]
    [InlineData("{\"type\":\"message\",\"text\":\"hi\",\"channelData\":[1]}", 400, "MalformedJson")]
    [InlineData("{\"text\":\"hi\"}", 400, "MissingType")]
    [InlineData("", 400, "EmptyBody")]
    public async Task PostActivity_Returns4xxAndStoresNothing_WhenTheBodyIsBad(string body, int status, string code)
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        (JsonArray before, _) = await host.PollAsync(conversationId, token);

        HttpResponseMessage response = await host.SendRawAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities", token, body);
        string text = await response.Content.ReadAsStringAsync();
        (JsonArray after, _) = await host.PollAsync(conversationId, token);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (string?)JsonNode.Parse(text)!["error"]!["code"]);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal(before.Count, after.Count);
        Assert.Single(host.Agent.Requests);
    }

    [Fact]
    public async Task PostActivity_Returns413AndStoresNothing_WhenTheBodyIsHuge()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        (JsonArray before, _) = await host.PollAsync(conversationId, token);

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities", token, DirectLineTestHost.Message(new string('x', 100_000)));
        (JsonArray after, _) = await host.PollAsync(conversationId, token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before.Count, after.Count);
        Assert.Single(host.Agent.Requests);
    }

    [Fact]
    public async Task PostActivity_AcknowledgesAtOnceWithTyping_WhileTheAgentIsStillWorking()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("slow"));
        JsonArray whileWorking = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.OfType(a, "typing").Any());
        host.Agent.Gate.SetResult();
        JsonArray done = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        Assert.DoesNotContain(DirectLineTestHost.FromBot(whileWorking), m => (string?)m["replyToId"] == id);
        JsonObject typing = DirectLineTestHost.OfType(whileWorking, "typing").Last();
        Assert.Equal("bot", (string?)typing["from"]!["role"]);
        Assert.Null(typing["text"]);
        Assert.Equal("Finally done.", (string?)DirectLineTestHost.FromBot(done).Last()["text"]);
        Assert.Empty(DirectLineTestHost.OfType(done, "typing"));
    }

    [Fact]
    public async Task PostActivity_RepliesWithAnApology_WhenTheAgentThrows()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("boom"));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        Assert.Equal("Sorry, something went wrong. Please try again.", (string?)DirectLineTestHost.FromBot(history).Last()["text"]);
        Assert.DoesNotContain("scripted failure", history.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconnect_ReturnsAStreamUrlThatResumesAfterTheWatermark()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());
        (_, string? watermark) = await host.PollAsync(conversationId, token);

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}?watermark={watermark}", token);
        JsonObject body = await DirectLineTestHost.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(conversationId, (string?)body["conversationId"]);
        Assert.Equal(token, (string?)body["token"]);
        Assert.Contains($"/stream?watermark={watermark}&t=", (string)body["streamUrl"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_Returns400_WhenNotAWebSocketRequest()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, _, string streamUrl) = await host.StartConversationAsync();

        HttpResponseMessage response = await host.Http.GetAsync(streamUrl.Replace("ws://", "http://", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(conversationId, streamUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateToken_NeedsTheSecret_AndItsTokenStartsThatConversation()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string pageToken, _) = await host.PageTokenAsync();

        HttpResponseMessage withToken = await host.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", pageToken);
        HttpResponseMessage generated = await host.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", DirectLineTestHost.Secret, new JsonObject { ["user"] = new JsonObject { ["id"] = "mei.lin" } });
        JsonObject grant = await DirectLineTestHost.JsonAsync(generated);
        HttpResponseMessage started = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", (string)grant["token"]!);
        HttpResponseMessage asSomeoneElse = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", (string)grant["token"]!, new JsonObject { ["user"] = new JsonObject { ["id"] = "dana.whitfield" } });

        Assert.Equal(HttpStatusCode.Forbidden, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal((string?)grant["conversationId"], (string?)(await DirectLineTestHost.JsonAsync(started))["conversationId"]);
        Assert.Equal(HttpStatusCode.Forbidden, asSomeoneElse.StatusCode);
        await host.PollUntilAsync((string)grant["conversationId"]!, (string)grant["token"]!, a => DirectLineTestHost.FromBot(a).Any());
        Assert.Equal("mei.lin", host.Agent.Requests.Single().UserId);
    }

    [Fact]
    public async Task StartConversation_WithTheSecret_StartsOneForTheBodysUser()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();

        HttpResponseMessage response = await host.SendAsync(HttpMethod.Post, "/v3/directline/conversations", DirectLineTestHost.Secret, new JsonObject { ["user"] = new JsonObject { ["id"] = "kenji.watanabe" } });
        JsonObject body = await DirectLineTestHost.JsonAsync(response);
        await host.PollUntilAsync((string)body["conversationId"]!, (string)body["token"]!, a => DirectLineTestHost.FromBot(a).Any());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("kenji.watanabe", host.Agent.Requests.Single().UserId);
    }

    [Theory]
    [InlineData("{\"user\":{\"id\":\"jamie.ortiz\"}}", "text/plain", null, 415)]
    [InlineData("{\"user\":{}}", "application/json", null, 400)]
    [InlineData("{\"user\":{\"id\":42}}", "application/json", null, 400)]
    [InlineData("{\"user\":\"jamie.ortiz\"}", "application/json", null, 400)]
    [InlineData("{\"user\":{\"id\":\"jamie.ortiz\"}", "application/json", null, 400)]
    [InlineData("{\"user\":{\"id\":\"jamie.ortiz\"}}", "application/json", "attacker.example", 403)]
    [InlineData("{\"user\":{\"id\":\"jamie.ortiz\"}}", "application/json", null, 200)]
    public async Task PageToken_IsOnlyIssuedForAJsonRequestNamingAUser_FromThisMachine(string body, string contentType, string? hostHeader, int status)
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, DirectLineRoutes.PageTokenPath) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (hostHeader is not null)
        {
            request.Headers.Host = hostHeader;
        }

        HttpResponseMessage response = await host.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task Conversations_AreForgotten_WhenIdlePastTheTimeout()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync(new() { ["DirectLine:ConversationIdleTimeout"] = "00:10:00" });
        (string conversationId, string token, _) = await host.StartConversationAsync();
        await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any());

        host.Clock.Advance(TimeSpan.FromMinutes(11));
        HttpResponseMessage poll = await host.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities", token);

        Assert.Equal(HttpStatusCode.NotFound, poll.StatusCode);
        Assert.Equal(0, host.Store.Count);
    }
}
