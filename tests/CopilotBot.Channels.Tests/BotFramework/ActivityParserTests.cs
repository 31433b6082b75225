using System.Text;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class ActivityParserTests
{
    private const string TeamsMessage = """
        {"type":"message","id":"1700000000000","timestamp":"2025-01-01T10:00:00.123Z","serviceUrl":"https://smba.trafficmanager.net/amer/",
         "channelId":"msteams","from":{"id":"29:1abc","name":"Ada","aadObjectId":"aad-1"},"recipient":{"id":"28:app","name":"Bot"},
         "conversation":{"id":"a:1xyz","conversationType":"personal","tenantId":"tid"},"text":"hello","textFormat":"plain",
         "channelData":{"tenant":{"id":"tid"}},"someFutureField":{"nested":[1,2,3]},"entities":[{"type":"clientInfo","locale":"en-US"}]}
        """;

    [Fact]
    public void Parses_a_teams_message_and_tolerates_unknown_fields()
    {
        Activity activity = ActivityParser.Parse(Encoding.UTF8.GetBytes(TeamsMessage));

        Assert.Equal("message", activity.Type);
        Assert.Equal("a:1xyz", activity.Conversation!.Id);
        Assert.Equal("personal", activity.Conversation.ConversationType);
        Assert.Equal("aad-1", activity.From!.AadObjectId);
        Assert.Equal("tid", (string?)activity.ChannelData!["tenant"]!["id"]);
        Assert.Equal("2025-01-01T10:00:00.123Z", activity.Timestamp);
    }

    [Theory]
    [InlineData("", "EmptyBody")]
    [InlineData("{\"type\":\"message\",", "MalformedJson")]
    [InlineData("not json", "MalformedJson")]
    [InlineData("[1,2]", "NotAnObject")]
    [InlineData("null", "NotAnObject")]
    [InlineData("{\"conversation\":{\"id\":\"c\"}}", "MissingType")]
    [InlineData("{\"type\":\"  \",\"conversation\":{\"id\":\"c\"}}", "MissingType")]
    [InlineData("{\"type\":\"message\"}", "MissingConversationId")]
    [InlineData("{\"type\":\"message\",\"conversation\":{}}", "MissingConversationId")]
    [InlineData("{\"type\":\"message\",\"conversation\":{\"id\":\"c\"},\"serviceUrl\":\"ftp://x\"}", "InvalidServiceUrl")]
    [InlineData("{\"type\":\"message\",\"conversation\":{\"id\":\"c\"},\"text\":{\"not\":\"a string\"}}", "MalformedJson")]
    public void Refuses_bad_activities_with_a_typed_400(string body, string code)
    {
        var ex = Assert.Throws<ChannelRequestException>(() => ActivityParser.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(code, ex.Code);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Malformed_json_message_names_the_position_without_echoing_the_body()
    {
        var ex = Assert.Throws<ChannelRequestException>(() => ActivityParser.Parse(Encoding.UTF8.GetBytes("{\"type\":\"message\",\"secret\":\"s3cr3t\" oops}")));

        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("The activity is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_types_parse_so_the_endpoint_can_ignore_them()
    {
        Activity activity = ActivityParser.Parse("{\"type\":\"messageReaction\",\"conversation\":{\"id\":\"c\"}}"u8);

        Assert.Equal("messageReaction", activity.Type);
    }

    [Fact]
    public void Serializes_outbound_camel_case_without_nulls()
    {
        string json = ActivityJson.Serialize(new Activity { Type = "message", Text = "hi", Conversation = new ConversationAccount("c") { ConversationType = "personal" } });

        Assert.Equal("{\"type\":\"message\",\"conversation\":{\"id\":\"c\",\"conversationType\":\"personal\"},\"text\":\"hi\"}", json);
    }
}
