namespace CopilotBot.Channels.Slack;

/// <summary>Settings under <c>Slack:</c>.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    public const string DefaultApiBaseUrl = "https://slack.com/api/";

    /// <summary>The app's signing secret (Basic Information page); every request from Slack is checked against it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot token (<c>xoxb-…</c>) for the Web API.</summary>
    public string? BotToken { get; set; }

    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>
    /// Interaction payloads name a <c>response_url</c>; it is only followed when it starts with this, so a forged payload
    /// (which would still need a valid signature) cannot point the bot elsewhere.
    /// </summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";
}
