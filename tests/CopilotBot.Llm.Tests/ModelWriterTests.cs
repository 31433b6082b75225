using System.Net;
using CopilotBot.Conversation.Grounding;
using CopilotBot.Conversation.Privacy;

namespace CopilotBot.Llm.Tests;

/// <summary>
/// The model's short grounded texts (a "why" answer's summary): one request to the scripted OpenAI-compatible server,
/// no tools, the material masked when asked; a failure is no text, never an exception; and only sentences citing the
/// quoted ids survive.
/// </summary>
public sealed class ModelWriterTests
{
    [Fact]
    public async Task WriteAsync_SendsOneToolFreeRequest_AndReturnsTheText()
    {
        await using Harness h = await Harness.StartAsync();
        h.Server.EnqueueText("Refunds were late [C1].");
        var writer = new ModelWriter(h.Options());

        string? text = await writer.WriteAsync("Summarize.", "[C1] \"my refund is late\"", CancellationToken.None);

        Assert.Equal("Refunds were late [C1].", text);
        RecordedRequest request = Assert.Single(h.Server.Requests);
        Assert.Null(request.Body["tools"]);
        Assert.Equal(["system", "user"], request.Messages.Select(m => (string?)m!["role"]));
        Assert.Equal("[C1] \"my refund is late\"", (string?)request.Messages[1]!["content"]);
    }

    [Fact]
    public async Task WriteAsync_MasksPiiInTheMaterial_WhenPrivacyAsks()
    {
        await using Harness h = await Harness.StartAsync();
        h.Server.EnqueueText("A customer asked for a refund [C1].");
        var writer = new ModelWriter(h.Options(), privacy: new PrivacyOptions { MaskPiiInPrompts = true });

        await writer.WriteAsync("Summarize.", "[C1] \"refund to jane.doe@example.com please\"", CancellationToken.None);

        string sent = (string?)Assert.Single(h.Server.Requests).Messages[1]!["content"] ?? string.Empty;
        Assert.DoesNotContain("jane.doe@example.com", sent, StringComparison.Ordinal);
        Assert.Contains("[C1]", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_IsNull_WhenTheServerFails_OrDoesNotAnswerInTime()
    {
        await using Harness h = await Harness.StartAsync();
        h.Server.Enqueue(new ScriptedResponse(500, Completions.Error(HttpStatusCode.InternalServerError, "boom")));
        h.Server.Enqueue(new ScriptedResponse(500, Completions.Error(HttpStatusCode.InternalServerError, "boom")));
        h.Server.Enqueue(new ScriptedResponse(500, Completions.Error(HttpStatusCode.InternalServerError, "boom")));
        var failing = new ModelWriter(h.Options(o => o.MaxRetries = 0));
        string? failed = await failing.WriteAsync("Summarize.", "[C1] text", CancellationToken.None);

        h.Server.Enqueue(new ScriptedResponse(200, Completions.Text("too late [C1]."), TimeSpan.FromSeconds(8)));
        var slow = new ModelWriter(h.Options(o => { o.TimeoutSeconds = 1; o.MaxRetries = 0; }));
        string? late = await slow.WriteAsync("Summarize.", "[C1] text", CancellationToken.None);

        Assert.Null(failed);
        Assert.Null(late);
    }

    [Theory]
    [InlineData("Refunds were late [C1]. Agents were rude. Bags were lost [C2, C3].", "Refunds were late [C1]. Bags were lost [C2, C3].")]
    [InlineData("Refunds were late [C1]. Bags were lost [C2, C9].", "Refunds were late [C1].")]
    [InlineData("Nothing cited here. Nor here.", null)]
    [InlineData("Invented ids only [X1].", null)]
    [InlineData("   ", null)]
    public void Keep_KeepsOnlySentencesWhoseEveryCitationIsQuoted(string written, string? kept)
    {
        Assert.Equal(kept, GroundedSummary.Keep(written, ["C1", "C2", "C3"]));
    }

    [Fact]
    public void Keep_CapsTheLength_AtWholeSentences()
    {
        string sentence = new string('a', 300) + " [C1].";
        string? kept = GroundedSummary.Keep(string.Join(' ', Enumerable.Repeat(sentence, 5)), ["C1"]);

        Assert.NotNull(kept);
        Assert.True(kept.Length <= GroundedSummary.MaxLength, $"{kept.Length} characters");
        Assert.EndsWith("[C1].", kept, StringComparison.Ordinal);
    }
}
