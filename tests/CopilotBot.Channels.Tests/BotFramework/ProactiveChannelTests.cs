using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.BotFramework;

/// <summary>Proactive posts and in-place updates over the Bot Connector REST API, against a real server on loopback.</summary>
public sealed class ProactiveChannelTests
{
    private sealed class Token : IBotTokenSource
    {
        public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken) => Task.FromResult<string?>("secret-token");
    }

    private static Activity Inbound(string serviceUrl) => new()
    {
        Type = ActivityTypes.Message,
        Id = "in-1",
        ServiceUrl = serviceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount("29:user", "Dana Whitfield") { AadObjectId = "aad-dana" },
        Recipient = new ChannelAccount("28:bot", "CopilotBot"),
        Conversation = new ConversationAccount("a:1:personal;x=y") { ConversationType = "personal", TenantId = "tenant-1" },
    };

    [Fact]
    public async Task Send_posts_a_message_from_the_bot_to_the_user_and_Update_replaces_it()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async (context, request) =>
        {
            context.Response.StatusCode = request.Method == "POST" ? StatusCodes.Status201Created : StatusCodes.Status200OK;
            await context.Response.WriteAsync("{\"id\":\"act-7\"}");
        });
        var trusted = new TrustedServiceUrls();
        var connector = new BotConnectorClient(new HttpClient(), new Token(), trusted);
        var channel = new BotFrameworkProactiveChannel(connector, trusted);
        string reference = BotFrameworkProactiveChannel.Reference(Inbound(server.BaseUrl), authenticated: true);

        PostedMessage posted = await channel.SendAsync(new ProactiveTarget("msteams", "a:1:personal;x=y", reference), TestCards.Reply(TestCards.Account()));
        await channel.UpdateAsync(posted, TurnReply.Plain("decided"));

        RecordedRequest[] requests = [.. server.Requests];
        Assert.Equal(2, requests.Length);
        Assert.Equal(("POST", "/v3/conversations/a%3A1%3Apersonal%3Bx%3Dy/activities"), (requests[0].Method, requests[0].RawTarget));
        JsonObject sent = JsonNode.Parse(requests[0].Body)!.AsObject();
        Assert.Equal(("28:bot", "29:user"), ((string?)sent["from"]!["id"], (string?)sent["recipient"]!["id"]));
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)sent["attachments"]![0]!["contentType"]);
        Assert.Equal("Bearer secret-token", requests[0].Headers["Authorization"]);
        Assert.Equal("act-7", posted.MessageId);
        Assert.Equal(("PUT", "/v3/conversations/a%3A1%3Apersonal%3Bx%3Dy/activities/act-7"), (requests[1].Method, requests[1].RawTarget));
        Assert.Equal("decided", (string?)JsonNode.Parse(requests[1].Body)!["text"]);
    }

    [Fact]
    public async Task A_reference_from_an_unauthenticated_activity_never_receives_the_token()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async (context, _) => await context.Response.WriteAsync("{\"id\":\"x\"}"));
        var trusted = new TrustedServiceUrls();
        var channel = new BotFrameworkProactiveChannel(new BotConnectorClient(new HttpClient(), new Token(), trusted), trusted);
        string reference = BotFrameworkProactiveChannel.Reference(Inbound(server.BaseUrl), authenticated: false);

        BotConnectorException refused = await Assert.ThrowsAsync<BotConnectorException>(
            () => channel.SendAsync(new ProactiveTarget("msteams", "a:1", reference), TurnReply.Plain("hello")));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        Assert.Empty(server.Requests);
    }
}
