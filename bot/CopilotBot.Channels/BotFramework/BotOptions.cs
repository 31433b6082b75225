namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// Settings under <c>Bot:</c>. With no <see cref="MicrosoftAppId"/> the endpoint runs in anonymous local mode (Agents
/// Playground, Emulator): requests need no token and replies carry none. Configuring an app id turns validation on; there is
/// deliberately no other switch that disables it.
/// </summary>
public sealed class BotOptions
{
    public const string Section = "Bot";

    public const string BotFrameworkOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public string? MicrosoftAppId { get; set; }

    public string? MicrosoftAppPassword { get; set; }

    /// <summary>Entra tenant for the outbound token; empty means the legacy multi-tenant <c>botframework.com</c>.</summary>
    public string? MicrosoftAppTenantId { get; set; }

    public string OpenIdMetadataUrl { get; set; } = BotFrameworkOpenIdMetadataUrl;

    /// <summary>
    /// In anonymous mode only loopback service URLs are called unless this is set: without a token nothing proves where an
    /// activity came from, and an open endpoint would otherwise post to any URL an attacker names.
    /// </summary>
    public bool AllowAnonymousRemoteServiceUrls { get; set; }

    /// <summary>
    /// Where the bot is reachable from the internet (e.g. <c>https://bot.example.com</c>). Channels that need an image by URL
    /// (Slack) get chart images at <c>{PublicBaseUrl}/charts/{sha256}.png</c>; empty, they show the chart's table only.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>What the agent is asked when the bot is installed or added to a conversation.</summary>
    public string WelcomeText { get; set; } = "help";

    /// <summary>How long a card-action invoke may wait for the agent before answering "working on it" and replying later.</summary>
    public TimeSpan InvokeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a message turn may run before a typing indicator is shown (then repeated every <see cref="TypingInterval"/>).</summary>
    public TimeSpan TypingDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(3);

    public bool IsAnonymous => string.IsNullOrWhiteSpace(MicrosoftAppId);
}
