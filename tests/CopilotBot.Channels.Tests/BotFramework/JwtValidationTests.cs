using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Tests.Infrastructure;

namespace CopilotBot.Channels.Tests.BotFramework;

public sealed class JwtValidationTests(AuthorityFixture fixture) : IClassFixture<AuthorityFixture>
{
    private OpenIdTestAuthority Authority => fixture.Authority;

    [Fact]
    public async Task Every_case_gets_its_expected_status()
    {
        BotTokenValidator validator = fixture.Validator();
        string publicPem = Authority.Keys["endorsed"].ExportSubjectPublicKeyInfoPem();
        var failures = new List<string>();
        foreach (JwtCase c in JwtCases.All(Authority, publicPem))
        {
            BotAuthResult result = await validator.AuthenticateAsync(JwtCases.Header(c, Authority), Activity(c.ChannelId, c.ServiceUrl));
            if (result.StatusCode != c.Expected || result.Succeeded != (c.Expected == 200))
            {
                failures.Add($"{c.Name}: expected {c.Expected}, got {result.StatusCode} ({result.Error})");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_valid_token_yields_its_claims()
    {
        BotAuthResult result = await fixture.Validator().AuthenticateAsync("Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims()), Activity());

        Assert.True(result.Succeeded);
        Assert.False(result.Anonymous);
        Assert.Equal(OpenIdTestAuthority.ServiceUrl, result.Identity!.FindFirst("serviceurl")!.Value);
        Assert.Equal(OpenIdTestAuthority.AppId, result.Identity.FindFirst("aud")!.Value);
    }

    [Theory]
    [InlineData("Token has expired.", -600)]
    [InlineData("Token is not yet valid.", 600)]
    public async Task Lifetime_failures_say_what_is_wrong(string message, int shiftSeconds)
    {
        JsonObject claims = OpenIdTestAuthority.ChannelClaims(now: DateTimeOffset.UtcNow.AddSeconds(shiftSeconds < 0 ? shiftSeconds - 3600 : shiftSeconds + 10));
        BotAuthResult result = await fixture.Validator().AuthenticateAsync("Bearer " + Authority.Mint(claims), Activity());

        Assert.Equal(401, result.StatusCode);
        Assert.Equal(message, result.Error);
    }

    [Fact]
    public async Task Service_url_must_match_exactly_not_just_the_host()
    {
        string token = Authority.Mint(OpenIdTestAuthority.ChannelClaims());

        BotAuthResult slashless = await fixture.Validator().AuthenticateAsync("Bearer " + token, Activity(serviceUrl: "https://smba.trafficmanager.net/amer"));

        Assert.Equal(403, slashless.StatusCode);
    }

    [Fact]
    public async Task Endorsed_key_without_a_channel_id_is_refused()
    {
        BotAuthResult result = await fixture.Validator().AuthenticateAsync("Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims()), Activity(channelId: null));

        Assert.Equal(403, result.StatusCode);
    }

    [Fact]
    public async Task Anonymous_mode_without_an_app_id_accepts_loopback_service_urls_only()
    {
        BotTokenValidator anonymous = fixture.Validator(appId: null);

        BotAuthResult local = await anonymous.AuthenticateAsync(null, Activity(serviceUrl: "http://localhost:56150/_connector"));
        BotAuthResult withHs256Header = await anonymous.AuthenticateAsync("Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims(), alg: "HS256"), Activity(serviceUrl: "http://127.0.0.1:5101/"));
        BotAuthResult remote = await anonymous.AuthenticateAsync(null, Activity(serviceUrl: "https://evil.example.com/"));

        Assert.True(local.Succeeded && local.Anonymous);
        Assert.True(withHs256Header.Succeeded && withHs256Header.Anonymous);
        Assert.Equal(403, remote.StatusCode);
    }

    [Fact]
    public async Task Anonymous_mode_can_allow_remote_service_urls_explicitly()
    {
        var options = new BotOptions { AllowAnonymousRemoteServiceUrls = true };
        var validator = new BotTokenValidator(options, new OpenIdBotSigningKeySource(Authority.MetadataUrl));

        Assert.True((await validator.AuthenticateAsync(null, Activity(serviceUrl: "https://remote.example/"))).Succeeded);
    }

    [Fact]
    public async Task Configured_app_id_never_accepts_a_request_without_a_token()
    {
        BotAuthResult result = await fixture.Validator().AuthenticateAsync(null, Activity(serviceUrl: "http://localhost:56150/_connector"));

        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task Keys_are_cached_and_an_unknown_kid_triggers_one_rate_limited_refresh()
    {
        var keys = new OpenIdBotSigningKeySource(Authority.MetadataUrl, refreshInterval: TimeSpan.FromMinutes(5));
        BotTokenValidator validator = fixture.Validator(keys: keys);
        string valid = "Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims());

        for (int i = 0; i < 3; i++)
        {
            Assert.True((await validator.AuthenticateAsync(valid, Activity())).Succeeded);
        }

        Assert.Equal(1, keys.Fetches);

        // A rolled-over key: published after the first fetch. The unknown kid forces a synchronous re-fetch.
        using var rolled = RSA.Create(2048);
        Authority.Keys["rolled"] = rolled;
        try
        {
            string token = "Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims(), kid: "rolled");
            Assert.True((await validator.AuthenticateAsync(token, Activity())).Succeeded);
            Assert.Equal(2, keys.Fetches);

            // Forged kids inside the rate-limit window do not reach the metadata endpoint again.
            for (int i = 0; i < 5; i++)
            {
                string forged = "Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims(), kid: "forged-" + i, signWith: Authority.Rogue);
                Assert.Equal(401, (await validator.AuthenticateAsync(forged, Activity())).StatusCode);
            }

            Assert.Equal(2, keys.Fetches);
        }
        finally
        {
            Authority.Keys.Remove("rolled");
        }
    }

    [Fact]
    public async Task Unreachable_metadata_is_a_503_not_a_500()
    {
        var keys = new OpenIdBotSigningKeySource("http://127.0.0.1:9/v1/.well-known/openidconfiguration");
        BotTokenValidator validator = fixture.Validator(keys: keys);

        BotAuthResult result = await validator.AuthenticateAsync("Bearer " + Authority.Mint(OpenIdTestAuthority.ChannelClaims()), Activity());

        Assert.Equal(503, result.StatusCode);
    }

    [Fact]
    public async Task Http_metadata_is_refused_unless_loopback()
    {
        var keys = new OpenIdBotSigningKeySource("http://login.example.com/v1/.well-known/openidconfiguration");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => keys.GetAsync(CancellationToken.None));

        Assert.Contains("login.example.com", ex.Message, StringComparison.Ordinal);
    }

    internal static Activity Activity(string? channelId = "msteams", string serviceUrl = OpenIdTestAuthority.ServiceUrl) => new()
    {
        Type = "message",
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        Conversation = new ConversationAccount("a:1"),
    };
}
