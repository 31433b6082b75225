using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CopilotBot.Channels.BotFramework;

/// <summary>The outcome of authenticating one inbound request; <see cref="StatusCode"/> is what to answer when it failed.</summary>
public sealed record BotAuthResult(bool Succeeded, int StatusCode, string? Error, ClaimsIdentity? Identity = null, bool Anonymous = false)
{
    public static BotAuthResult Unauthorized(string error) => new(false, 401, error);

    public static BotAuthResult Forbidden(string error) => new(false, 403, error);
}

/// <summary>
/// Validates the channel's bearer token on an inbound activity (protocols.md 1.2). Status mapping:
/// <list type="bullet">
/// <item>401: missing or malformed header, a token that is not a JWT, an algorithm other than RS256/RS384/RS512 (HS*, none),
/// unknown key id, bad signature, expired or not yet valid (5 min skew), missing expiry, wrong issuer, wrong audience:
/// "we do not know who you are".</item>
/// <item>403: a valid channel token that is not good for <em>this</em> activity: its <c>serviceurl</c> claim differs from
/// <c>activity.serviceUrl</c>, or its key's <c>endorsements</c> do not list the activity's channel. (The SDKs answer 401 for
/// these too; the public Bot Framework authentication doc asks for 403. Either way the activity is not processed.)</item>
/// <item>503: the OpenID metadata or keys cannot be fetched, so nothing can be validated (never a 500).</item>
/// </list>
/// Anonymous mode (no app id configured) accepts any request and ignores a header, as the SDKs do; only loopback service URLs
/// are accepted then unless <see cref="BotOptions.AllowAnonymousRemoteServiceUrls"/> is set.
/// </summary>
public sealed class BotTokenValidator(BotOptions options, IBotSigningKeySource keys)
{
    public const string ChannelIssuer = "https://api.botframework.com";
    public const string ServiceUrlClaim = "serviceurl";

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] AllowedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<BotAuthResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken cancellationToken = default)
    {
        if (options.IsAnonymous)
        {
            return options.AllowAnonymousRemoteServiceUrls || IsLoopbackOrMissing(activity.ServiceUrl)
                ? new BotAuthResult(true, 200, null, new ClaimsIdentity(), Anonymous: true)
                : BotAuthResult.Forbidden("Anonymous mode (no Bot:MicrosoftAppId) only serves loopback service URLs.");
        }

        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return BotAuthResult.Unauthorized("Missing Authorization header.");
        }

        string[] parts = authorizationHeader.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !string.Equals(parts[0], "Bearer", StringComparison.Ordinal))
        {
            return BotAuthResult.Unauthorized("Authorization header must be 'Bearer <token>'.");
        }

        string token = parts[1];
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return BotAuthResult.Unauthorized("The bearer token is not a JWT.");
        }

        // Checked before any key lookup: an HS256 token "signed" with a public key or an unsigned one must never get that far.
        if (!AllowedAlgorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return BotAuthResult.Unauthorized($"Token algorithm '{jwt.Alg}' is not allowed.");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return BotAuthResult.Unauthorized("Token has no key id.");
        }

        BotSigningKeys signingKeys;
        SecurityKey? key;
        try
        {
            signingKeys = await keys.GetAsync(cancellationToken);
            key = signingKeys.Find(jwt.Kid);
            if (key is null)
            {
                // Possibly a key rollover: refresh (rate-limited by the source) and look again.
                keys.RequestRefresh();
                signingKeys = await keys.GetAsync(cancellationToken);
                key = signingKeys.Find(jwt.Kid);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new BotAuthResult(false, 503, "The channel's signing keys are unavailable.");
        }

        if (key is null)
        {
            return BotAuthResult.Unauthorized("Token is signed with an unknown key.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = ChannelIssuer,
            ValidAudience = options.MicrosoftAppId,
            IssuerSigningKey = key,
            ValidAlgorithms = AllowedAlgorithms,
            ClockSkew = ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
        };
        TokenValidationResult result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return BotAuthResult.Unauthorized(Describe(result.Exception));
        }

        // A key that publishes endorsements may only sign for the channels it lists. A missing channelId does not get a pass
        // (the SDKs let it through); nothing legitimate sends one.
        if (signingKeys.Endorsements.TryGetValue(jwt.Kid, out IReadOnlyList<string>? endorsed) && endorsed.Count > 0
            && (string.IsNullOrEmpty(activity.ChannelId) || !endorsed.Contains(activity.ChannelId, StringComparer.Ordinal)))
        {
            return BotAuthResult.Forbidden($"The signing key is not endorsed for channel '{activity.ChannelId}'.");
        }

        string? serviceUrl = result.ClaimsIdentity.FindFirst(ServiceUrlClaim)?.Value;
        if (string.IsNullOrEmpty(serviceUrl) || !string.Equals(serviceUrl, activity.ServiceUrl, StringComparison.Ordinal))
        {
            return BotAuthResult.Forbidden("The token's serviceurl claim does not match the activity's serviceUrl.");
        }

        return new BotAuthResult(true, 200, null, result.ClaimsIdentity);
    }

    private static bool IsLoopbackOrMissing(string? serviceUrl) =>
        string.IsNullOrEmpty(serviceUrl) || (Uri.TryCreate(serviceUrl, UriKind.Absolute, out Uri? uri) && uri.IsLoopback);

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "Token has expired.",
        SecurityTokenNotYetValidException => "Token is not yet valid.",
        SecurityTokenNoExpirationException => "Token has no expiry.",
        SecurityTokenInvalidAudienceException => "Token audience is not this bot.",
        SecurityTokenInvalidIssuerException => "Token issuer is not the Bot Framework.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "Token signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "Token algorithm is not allowed.",
        null => "Token is invalid.",
        _ => "Token is invalid.",
    };
}
