namespace CopilotBot.Plugins.Crm;

/// <summary>
/// Settings for <see cref="HubSpotCrmClient"/>, bound from the <c>Crm:HubSpot</c> configuration section.
/// <see cref="AccessToken"/> is a secret (a HubSpot private-app token): keep it in user secrets or the environment
/// (<c>Crm__HubSpot__AccessToken</c>), never in appsettings. <see cref="ToString"/> does not print it.
/// </summary>
public sealed class HubSpotOptions
{
    public const string SectionName = "Crm:HubSpot";

    public const string DefaultBaseUrl = "https://api.hubapi.com";

    /// <summary>The API root; the client appends <c>/crm/v3/...</c>. A path prefix (e.g. a proxy) is kept.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Private-app token, sent as <c>Authorization: Bearer &lt;token&gt;</c>. Secret.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>Limit for one HTTP attempt (headers and body). A retry gets a fresh limit.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries per call, counting the first, for 429 and 5xx answers.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Backoff before retry n (1-based) when HubSpot sends no Retry-After: RetryDelay × 2^(n-1).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound on any wait between tries, Retry-After included.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public override string ToString() =>
        $"HubSpotOptions {{ BaseUrl = {BaseUrl}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(not set)" : "(set)")}, " +
        $"RequestTimeout = {RequestTimeout}, MaxAttempts = {MaxAttempts}, RetryDelay = {RetryDelay}, MaxRetryDelay = {MaxRetryDelay} }}";
}
