using System.Text.Json.Nodes;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>
/// A reply written by a language model streams into Web Chat as it arrives, by Web Chat's livestreaming protocol: typing
/// activities carrying the text so far (<c>streamType</c> streaming, a rising <c>streamSequence</c>, the first chunk's id as
/// <c>streamId</c>), then the reply as a message with <c>streamType</c> final. Chunks are escaped like every untrusted text,
/// and they are not replayed: the history holds only the final message afterwards.
/// </summary>
public sealed class DirectLineLivestreamTests
{
    [Fact]
    public async Task ModelText_StreamsAsTypingChunks_ThenTheFinalMessageConcludesTheStream()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("stream"));
        JsonArray during = await host.PollUntilAsync(conversationId, token, a => Chunks(a).Count == 2);

        JsonObject[] chunks = [.. Chunks(during)];
        string streamId = (string)chunks[0]["id"]!;
        Assert.Equal(("streaming", 1), ((string?)chunks[0]["channelData"]!["streamType"], (int?)chunks[0]["channelData"]!["streamSequence"]));
        Assert.Null(chunks[0]["channelData"]!["streamId"]);
        Assert.Equal("Three accounts", (string?)chunks[0]["text"]);
        Assert.Equal(("streaming", 2, streamId), ((string?)chunks[1]["channelData"]!["streamType"], (int?)chunks[1]["channelData"]!["streamSequence"], (string?)chunks[1]["channelData"]!["streamId"]));
        string second = (string)chunks[1]["text"]!;
        Assert.StartsWith("Three accounts need you:", second, StringComparison.Ordinal);
        Assert.DoesNotContain("[verify](", second, StringComparison.Ordinal);
        Assert.DoesNotContain("http://evil", second, StringComparison.Ordinal);
        Assert.DoesNotContain(DirectLineTestHost.FromBot(during), m => (string?)m["replyToId"] == id);

        host.Agent.Gate.SetResult();
        JsonArray after = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        JsonObject final = DirectLineTestHost.FromBot(after).Single(m => (string?)m["replyToId"] == id);
        Assert.Equal("Three accounts need you today.", (string?)final["text"]);
        Assert.Equal(("final", streamId), ((string?)final["channelData"]!["streamType"], (string?)final["channelData"]!["streamId"]));
        Assert.Empty(Chunks(after));
    }

    [Fact]
    public async Task RepliesThatDoNotStream_CarryNoStreamData()
    {
        await using DirectLineTestHost host = await DirectLineTestHost.StartAsync();
        (string conversationId, string token, _) = await host.StartConversationAsync();

        string id = await host.PostActivityAsync(conversationId, token, DirectLineTestHost.Message("hello"));
        JsonArray history = await host.PollUntilAsync(conversationId, token, a => DirectLineTestHost.FromBot(a).Any(m => (string?)m["replyToId"] == id));

        Assert.Null(DirectLineTestHost.FromBot(history).Single(m => (string?)m["replyToId"] == id)["channelData"]?["streamType"]);
    }

    private static List<JsonObject> Chunks(JsonArray activities) =>
        DirectLineTestHost.OfType(activities, "typing").Where(a => a["text"] is not null).ToList();
}
