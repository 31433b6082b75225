using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.DirectLine;

namespace CopilotBot.Channels.Tests.DirectLine;

public sealed class DirectLineConversationTests
{
    private static DirectLineConversation Conversation(int maxActivities = 100, int maxBytes = 1024 * 1024, ManualClock? clock = null) =>
        new("conv-1", "jamie.ortiz", clock ?? new ManualClock(), maxActivities, maxBytes);

    private static Activity Append(DirectLineConversation conversation, string text) =>
        conversation.Append((id, timestamp) => new Activity { Type = ActivityTypes.Message, Id = id, Timestamp = timestamp, Text = text });

    private static List<string> Texts(DirectLineConversation conversation, long after = -1) =>
        conversation.Read(after).Activities.Select(json => ActivityJsonText(json)).ToList();

    private static string ActivityJsonText(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<Activity>(json, ActivityJson.Options)?.Text ?? string.Empty;

    [Fact]
    public void Read_ReturnsWhatCameAfterTheWatermark_AndTheNextWatermark()
    {
        DirectLineConversation conversation = Conversation();
        Append(conversation, "one");
        Append(conversation, "two");
        (_, long? watermark) = conversation.Read(-1);
        Append(conversation, "three");

        (IReadOnlyList<string> after, long? next) = conversation.Read(watermark!.Value);

        Assert.Equal(["three"], after.Select(ActivityJsonText));
        Assert.Equal(watermark + 1, next);
        Assert.Equal((Array.Empty<string>(), next), (conversation.Read(next!.Value).Activities.ToArray(), conversation.Read(next.Value).Watermark));
        Assert.Null(Conversation().Read(-1).Watermark);
    }

    [Fact]
    public void Append_GivesDistinctIncreasingIdsAndTimestamps_WithinOneMillisecond()
    {
        DirectLineConversation conversation = Conversation();

        Activity first = Append(conversation, "one");
        Activity second = Append(conversation, "two");

        Assert.Equal("conv-1|0000001", first.Id);
        Assert.Equal("conv-1|0000002", second.Id);
        Assert.True(string.CompareOrdinal(first.Timestamp, second.Timestamp) < 0);
        Assert.EndsWith("Z", first.Timestamp, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_DropsTheOldest_WhenPastTheCountOrSizeLimit()
    {
        DirectLineConversation byCount = Conversation(maxActivities: 3);
        DirectLineConversation bySize = Conversation(maxBytes: 1500);

        for (int i = 1; i <= 5; i++)
        {
            Append(byCount, $"m{i}");
            Append(bySize, $"m{i}-" + new string('x', 400));
        }

        Assert.Equal(["m3", "m4", "m5"], Texts(byCount));
        Assert.InRange(bySize.Count, 1, 3);
        Assert.StartsWith("m5-", Texts(bySize)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Replace_KeepsIdAndTimestamp_AndMovesTheActivityPastEveryWatermark()
    {
        DirectLineConversation conversation = Conversation();
        Activity card = Append(conversation, "card");
        Append(conversation, "later");
        (_, long? watermark) = conversation.Read(-1);

        Activity? replaced = conversation.Replace(card.Id!, old => old with { Text = "decided" });
        Activity? missing = conversation.Replace("conv-1|9999999", old => old with { Text = "x" });
        Activity? declined = conversation.Replace(card.Id!, _ => null);

        Assert.Equal((card.Id, card.Timestamp, "decided"), (replaced?.Id, replaced?.Timestamp, replaced?.Text));
        Assert.Equal(["later", "decided"], Texts(conversation));
        Assert.Equal(["decided"], Texts(conversation, watermark!.Value));
        Assert.Null(missing);
        Assert.Null(declined);
    }

    [Fact]
    public async Task Changed_Completes_WhenSomethingIsStored()
    {
        DirectLineConversation conversation = Conversation();
        Task changed = conversation.Changed;

        bool before = changed.IsCompleted;
        Append(conversation, "one");
        await changed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(before);
        Assert.True(changed.IsCompletedSuccessfully);
        Assert.False(conversation.Changed.IsCompleted);
    }

    [Fact]
    public void Remove_DropsTheGivenActivitiesOnly()
    {
        DirectLineConversation conversation = Conversation();
        Activity typing = Append(conversation, "typing");
        Append(conversation, "reply");

        conversation.Remove([typing.Id!]);

        Assert.Equal(["reply"], Texts(conversation));
    }
}
