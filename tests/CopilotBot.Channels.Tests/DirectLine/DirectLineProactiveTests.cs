using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>Web chat as a proactive channel: conversations are remembered, approval requests posted into them and updated in place.</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineProactiveTests
{
    private sealed class RecordingSink : IConversationReferenceSink
    {
        public ConcurrentQueue<(string User, ProactiveTarget Target)> Remembered { get; } = new();

        public ValueTask RememberAsync(string userId, ProactiveTarget target, CancellationToken cancellationToken = default)
        {
            Remembered.Enqueue((userId, target));
            return ValueTask.CompletedTask;
        }
    }

    private static IProactiveChannel WebChat(DirectLineTestHost host) =>
        host.Services.GetServices<IProactiveChannel>().Single(c => c.Handles("directline"));

    private static TurnReply Reply(string text, Card card, bool updates = false) =>
        new(text, "interventions.approvals", new Dictionary<string, object?>(), [card], [], 1) { UpdatesCard = updates };

    private static string? CardTitle(JsonNode? activity) => (string?)activity?["attachments"]?[0]?["content"]?["body"]?[0]?["text"];

    [Fact]
    public async Task Conversations_AreRemembered_WhenStartedAndWhenTheUserWrites()
    {
        var sink = new RecordingSink();
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync(services: s => s.AddSingleton<IConversationReferenceSink>(sink));

        (string conversationId, string token, _) = await host.StartConversationAsync("dana.whitfield");
        await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("hello", from: "dana.whitfield"));

        Assert.Equal(2, sink.Remembered.Count);
        Assert.All(sink.Remembered, r => Assert.Equal(("dana.whitfield", "directline", conversationId), (r.User, r.Target.Channel, r.Target.ConversationId)));
        Assert.Equal(conversationId, (string?)JsonNode.Parse(sink.Remembered.First().Target.Reference)!["conversationId"]);
    }

    [Fact]
    public async Task ProactiveChannel_PostsIntoTheOpenConversation_AndUpdatesThatMessageInPlace()
    {
        var sink = new RecordingSink();
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync(services: s => s.AddSingleton<IConversationReferenceSink>(sink));
        (string conversationId, string token, _) = await host.StartConversationAsync("dana.whitfield");
        ProactiveTarget target = sink.Remembered.Single().Target;

        PostedMessage posted = await WebChat(host).SendAsync(target, Reply("Approval needed for R9", ScriptedAgent.Request("R9")));
        JsonArray before = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == posted.MessageId));
        await WebChat(host).UpdateAsync(posted, Reply("Approved by Dana", new Card("✅ Approved: R9", [], []), updates: true));
        JsonArray after = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == posted.MessageId && CardTitle(x) != "Approval needed: R9"));

        JsonObject request = before.OfType<JsonObject>().Single(x => (string?)x["id"] == posted.MessageId);
        Assert.Equal(("directline", conversationId), (posted.Channel, posted.ConversationId));
        Assert.Equal("Approval needed: R9", CardTitle(request));
        Assert.Contains(posted.MessageId + "#0", request.ToJsonString(), StringComparison.Ordinal);
        JsonObject decided = after.OfType<JsonObject>().Single(x => (string?)x["id"] == posted.MessageId);
        Assert.Equal("✅ Approved: R9", CardTitle(decided));
        Assert.Equal((string?)request["timestamp"], (string?)decided["timestamp"]);
    }

    [Fact]
    public async Task ProactivelyPostedCard_IsReplacedInPlace_WhenClickedInWebChat()
    {
        var sink = new RecordingSink();
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync(services: s => s.AddSingleton<IConversationReferenceSink>(sink));
        (string conversationId, string token, _) = await host.StartConversationAsync("dana.whitfield");
        PostedMessage posted = await WebChat(host).SendAsync(sink.Remembered.Single().Target, Reply("Approval needed for R9", ScriptedAgent.Request("R9")));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == posted.MessageId));
        JsonObject approve = ((JsonArray)history.OfType<JsonObject>().Single(x => (string?)x["id"] == posted.MessageId)["attachments"]![0]!["content"]!["body"]!)
            .OfType<JsonObject>().Single(e => (string?)e["type"] == "ActionSet")["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["title"] == "Approve");

        await host.PostActivityAsync(conversationId, token, DirectLineTestHost.PostBack((JsonObject)approve["data"]!, from: "dana.whitfield"));
        JsonArray after = await host.PollUntilAsync(conversationId, token, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == posted.MessageId && CardTitle(x) == "✅ Approved: R9"));

        Assert.Single(after.OfType<JsonObject>(), x => (string?)x["id"] == posted.MessageId);
    }

    [Fact]
    public async Task ProactiveChannel_Throws_WhenTheConversationIsGone()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        var gone = new ProactiveTarget("directline", "no-such-conversation", DirectLineProactiveChannel.Reference("no-such-conversation"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => WebChat(host).SendAsync(gone, TurnReply.Plain("hi")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => WebChat(host).UpdateAsync(new PostedMessage("directline", "no-such-conversation", "x|0000001", "{}"), TurnReply.Plain("hi")));
        Assert.False(WebChat(host).Handles("msteams"));
        Assert.False(WebChat(host).Handles("webchat"));
    }
}
