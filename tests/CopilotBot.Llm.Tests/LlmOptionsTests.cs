using CopilotBot.Routing;

namespace CopilotBot.Llm.Tests;

public sealed class LlmOptionsTests
{
    [Theory]
    [InlineData("https://api.openai.com/v1", "gpt-4o-mini", true)]
    [InlineData("http://localhost:11434/v1", "llama3.1", true)]
    [InlineData(null, "gpt-4o-mini", false)]
    [InlineData("", "gpt-4o-mini", false)]
    [InlineData("not a url", "gpt-4o-mini", false)]
    [InlineData("ftp://example.com/v1", "gpt-4o-mini", false)]
    [InlineData("https://api.openai.com/v1", null, false)]
    [InlineData("https://api.openai.com/v1", " ", false)]
    public void IsConfigured_ReturnsExpected_WhenEndpointAndModelVary(string? endpoint, string? model, bool expected)
    {
        Assert.Equal(expected, LlmOptions.IsConfigured(new LlmOptions { Endpoint = endpoint, ChatModel = model }));
    }

    [Fact]
    public void Defaults_MatchTheDocumentedValues_WhenNothingIsSet()
    {
        var options = new LlmOptions { ApiKey = "sk-secret-value" };

        Assert.Equal("Llm", LlmOptions.SectionName);
        Assert.Equal(20, options.TimeoutSeconds);
        Assert.Equal(4, options.MaxToolRounds);
        Assert.Equal("Bearer", options.KeyHeader);
        Assert.Equal("max_tokens", options.MaxTokensField);
        Assert.Null(options.Temperature);
        Assert.DoesNotContain("sk-secret-value", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "max_tokens")]
    [InlineData("Bearer", "max_output_tokens")]
    public async Task Constructor_ThrowsWithoutKey_WhenOptionsAreInvalid(string keyHeader, string maxTokensField)
    {
        await using Harness h = await Harness.StartAsync();
        LlmOptions options = h.Options(o =>
        {
            o.KeyHeader = keyHeader;
            o.MaxTokensField = maxTokensField;
        });

        ArgumentException ex = Assert.Throws<ArgumentException>(() => new OpenAiModelRouter(options, h.Kernel, Harness.SystemPrompt));
        Assert.DoesNotContain(Harness.TestKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_Throws_WhenEndpointIsMissing()
    {
        await using Harness h = await Harness.StartAsync();

        Assert.Throws<ArgumentException>(() => new OpenAiModelRouter(h.Options(o => o.Endpoint = null), h.Kernel, Harness.SystemPrompt));
        Assert.Empty(h.Server.Requests);
    }

    [Fact]
    public void RenderPrompt_LeavesUnknownPlaceholders_WhenTemplateHasThem()
    {
        var caller = new Conversation.Functions.CallerContext(
            new Workspace.Domain.User("u1", "Ann\nLee", "a@example.com", Workspace.Domain.UserRole.Manager, null),
            "test", "c1", new DateOnly(2026, 1, 2), DateTimeOffset.UnixEpoch, Conversation.Functions.AccessScope.Everything);

        string rendered = OpenAiModelRouter.RenderPrompt("{{today}} {{ userName }} {{userRole}} {{other}}", caller);

        Assert.Equal("2026-01-02 Ann Lee manager {{other}}", rendered);
    }

    [Fact]
    public void ContextLine_ReturnsNull_WhenMemoryIsEmpty()
    {
        Assert.Null(OpenAiModelRouter.ContextLine(ConversationMemory.Empty));
    }
}
