using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Tests.DirectLine;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Tests.Security;

/// <summary>Issue #17 item 10: while the OpenID metadata endpoint fails, requests must not each refetch it.</summary>
public sealed class SigningKeyBackoffTests
{
    [Fact]
    public async Task GetAsync_FetchesOnceThenBacksOff_WhenTheMetadataEndpointFails()
    {
        await using LoopbackServer metadata = await LoopbackServer.StartAsync((context, _) =>
        {
            // 500, not 503: IdentityModel's retriever retries a 503 once itself, which would blur the count.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var clock = new ManualClock();
        var keys = new OpenIdBotSigningKeySource(metadata.BaseUrl + "/v1/.well-known/openidconfiguration", clock: clock);
        var validator = new BotTokenValidator(new BotOptions { MicrosoftAppId = "app-id", OpenIdMetadataUrl = metadata.BaseUrl }, keys);

        var statuses = new List<int>();
        for (int i = 0; i < 50; i++)
        {
            keys.RequestRefresh(); // as an unknown key id does
            statuses.Add((await validator.AuthenticateAsync("Bearer " + UnsignedToken("kid-" + i), new Activity { Type = "message", ChannelId = "msteams" })).StatusCode);
        }

        int during = metadata.Requests.Count;
        clock.Advance(TimeSpan.FromMinutes(2));
        await validator.AuthenticateAsync("Bearer " + UnsignedToken("later"), new Activity { Type = "message", ChannelId = "msteams" });

        Assert.All(statuses, s => Assert.Equal(503, s));
        Assert.Equal(1, during);
        Assert.Equal(during + 1, metadata.Requests.Count);
    }

    [Fact]
    public async Task GetAsync_ThrowsTheCachedFailure_WithoutAnotherFetch_InsideTheBackoff()
    {
        await using LoopbackServer metadata = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var clock = new ManualClock();
        var keys = new OpenIdBotSigningKeySource(metadata.BaseUrl + "/v1/.well-known/openidconfiguration", clock: clock);

        await Assert.ThrowsAsync<InvalidOperationException>(() => keys.GetAsync(CancellationToken.None));
        int first = metadata.Requests.Count;
        await Assert.ThrowsAsync<InvalidOperationException>(() => keys.GetAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(0.5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => keys.GetAsync(CancellationToken.None));

        Assert.Equal(first, metadata.Requests.Count);
    }

    // A structurally valid RS256 JWT header and payload with a garbage signature: enough to reach the key lookup.
    private static string UnsignedToken(string kid)
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64($"{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{kid}\"}}") + "." + B64("{\"iss\":\"https://api.botframework.com\",\"aud\":\"app-id\"}") + ".c2ln";
    }
}
