using System.Text;
using CopilotBot.Channels.DirectLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Channels.Tests.DirectLine;

public sealed class DirectLineTokensTests
{
    private static readonly DirectLineOptions Options = new() { Secret = "a-long-enough-secret-value" };

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Validate_ReturnsTheClaims_WhenTheTokenIsFresh()
    {
        var clock = new ManualClock();
        var tokens = new DirectLineTokens(Options, clock);

        (string token, int expiresIn) = tokens.Mint("jamie.ortiz", "conv-1", DirectLineTokens.ConversationScope);
        DirectLineTokenCheck check = tokens.Validate(token, DirectLineTokens.ConversationScope);

        Assert.Equal(1800, expiresIn);
        Assert.Equal(DirectLineTokenStatus.Valid, check.Status);
        Assert.Equal(new DirectLineClaims("jamie.ortiz", "conv-1", "conversation", clock.GetUtcNow().AddMinutes(30)), check.Claims);
        Assert.Contains("\"user\":\"jamie.ortiz\"", Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReturnsExpired_WhenTheLifetimeHasPassed()
    {
        var clock = new ManualClock();
        var tokens = new DirectLineTokens(Options, clock);
        (string token, _) = tokens.Mint("jamie.ortiz", "conv-1", DirectLineTokens.ConversationScope);

        clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(DirectLineTokenStatus.Expired, tokens.Validate(token, DirectLineTokens.ConversationScope).Status);
    }

    [Fact]
    public void Validate_ReturnsInvalid_WhenTheTokenIsTamperedForgedOrForAnotherScope()
    {
        var tokens = new DirectLineTokens(Options);
        (string token, _) = tokens.Mint("jamie.ortiz", "conv-1", DirectLineTokens.ConversationScope);
        string[] parts = token.Split('.');
        string otherUser = parts[0] + "." + Base64Url("{\"user\":\"dana.whitfield\",\"conv\":\"conv-1\",\"scope\":\"conversation\",\"exp\":9999999999}") + "." + parts[2];
        string algNone = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        string fromAnotherKey = new DirectLineTokens(new DirectLineOptions { Secret = "some-other-secret-value" }).Mint("jamie.ortiz", "conv-1", DirectLineTokens.ConversationScope).Token;

        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(otherUser, DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(algNone, DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(fromAnotherKey, DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(token, DirectLineTokens.StreamScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(token + "x", DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate("a.b", DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, tokens.Validate(null, DirectLineTokens.ConversationScope).Status);
    }

    [Fact]
    public void Validate_RejectsTokensOfAnEarlierProcess_WhenTheSecretIsGenerated()
    {
        var first = new DirectLineTokens(new DirectLineOptions());
        var second = new DirectLineTokens(new DirectLineOptions());

        (string token, _) = first.Mint("jamie.ortiz", "conv-1", DirectLineTokens.ConversationScope);

        Assert.Equal(DirectLineTokenStatus.Valid, first.Validate(token, DirectLineTokens.ConversationScope).Status);
        Assert.Equal(DirectLineTokenStatus.Invalid, second.Validate(token, DirectLineTokens.ConversationScope).Status);
        Assert.False(first.IsSecret(string.Empty));
    }

    [Fact]
    public void IsSecret_IsTrueOnlyForTheConfiguredSecret()
    {
        var tokens = new DirectLineTokens(Options);

        Assert.True(tokens.IsSecret("a-long-enough-secret-value"));
        Assert.False(tokens.IsSecret("a-long-enough-secret-valuE"));
        Assert.False(tokens.IsSecret(tokens.Mint("u", "c", DirectLineTokens.ConversationScope).Token));
    }

    [Theory]
    [InlineData("DirectLine:Secret", "short")]
    [InlineData("DirectLine:TokenLifetime", "00:00:00")]
    [InlineData("DirectLine:MaxConversations", "0")]
    public void AddCopilotDirectLine_Throws_WhenASettingIsUnusable(string key, string value)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCopilotDirectLine(configuration));

        Assert.Contains("DirectLine", ex.Message, StringComparison.Ordinal);
    }
}
