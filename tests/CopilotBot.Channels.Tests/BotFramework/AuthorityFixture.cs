using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Tests.Infrastructure;

namespace CopilotBot.Channels.Tests.BotFramework;

/// <summary>One local OpenID authority (Kestrel on 127.0.0.1) shared by the auth tests of a class.</summary>
public sealed class AuthorityFixture : IAsyncLifetime
{
    public OpenIdTestAuthority Authority { get; private set; } = null!;

    public BotTokenValidator Validator(string? appId = OpenIdTestAuthority.AppId, IBotSigningKeySource? keys = null) =>
        new(new BotOptions { MicrosoftAppId = appId, OpenIdMetadataUrl = Authority.MetadataUrl }, keys ?? new OpenIdBotSigningKeySource(Authority.MetadataUrl));

    public async Task InitializeAsync() => Authority = await OpenIdTestAuthority.StartAsync();

    public async Task DisposeAsync() => await Authority.DisposeAsync();
}
