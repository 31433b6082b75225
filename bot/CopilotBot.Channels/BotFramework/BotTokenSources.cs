using Microsoft.Identity.Client;

namespace CopilotBot.Channels.BotFramework;

/// <summary>The bearer token for calls to the Bot Connector; null means "send no token" (anonymous local mode).</summary>
public interface IBotTokenSource
{
    Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken);
}

/// <summary>Anonymous local mode: the Agents Playground and the Emulator accept replies without a token.</summary>
public sealed class AnonymousBotTokenSource : IBotTokenSource
{
    public static readonly AnonymousBotTokenSource Instance = new();

    public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// Client-credentials token for <c>https://api.botframework.com/.default</c> through MSAL, which caches it until shortly
/// before expiry. Tenant: the bot's own for single-tenant registrations, <c>botframework.com</c> for legacy multi-tenant ones.
/// </summary>
public sealed class MsalBotTokenSource : IBotTokenSource
{
    public const string Scope = "https://api.botframework.com/.default";

    private static readonly string[] Scopes = [Scope];

    private readonly IConfidentialClientApplication _application;

    public MsalBotTokenSource(BotOptions options)
    {
        if (options.IsAnonymous || string.IsNullOrWhiteSpace(options.MicrosoftAppPassword))
        {
            throw new InvalidOperationException("Bot:MicrosoftAppId and Bot:MicrosoftAppPassword are both needed to call the Bot Connector.");
        }

        string tenant = string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId) ? "botframework.com" : options.MicrosoftAppTenantId;
        _application = ConfidentialClientApplicationBuilder.Create(options.MicrosoftAppId)
            .WithClientSecret(options.MicrosoftAppPassword)
            .WithAuthority($"https://login.microsoftonline.com/{tenant}")
            .Build();
    }

    public async Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        AuthenticationResult result = await _application.AcquireTokenForClient(Scopes).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
        return result.AccessToken;
    }
}
