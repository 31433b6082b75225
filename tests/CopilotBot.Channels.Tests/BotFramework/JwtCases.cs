using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace CopilotBot.Channels.Tests.BotFramework;

/// <summary>How to mint one token: the same spec drives the C# minter and the Node script (js/crosscheck.js).</summary>
public sealed record TokenSpec(string Alg, string Kid, JsonObject Claims, string? SignWith = null, string? HmacKey = null, JsonObject? TamperClaims = null);

/// <summary>
/// One inbound-auth case: the Authorization header (from a token spec or raw), the activity's channel and service URL, and the
/// status the C# validator must give. <see cref="JsAccepts"/> is set only where the JS checker is knowingly laxer.
/// </summary>
public sealed record JwtCase(string Name, TokenSpec? Token, string ChannelId, string ServiceUrl, int Expected, string Scheme = "Bearer", string? RawHeader = null, bool? JsAccepts = null)
{
    public bool JsShouldAccept => JsAccepts ?? Expected == 200;

    public override string ToString() => Name;
}

public static class JwtCases
{
    private const string Teams = "msteams";
    private const string Service = OpenIdTestAuthority.ServiceUrl;

    public static IReadOnlyList<JwtCase> All(OpenIdTestAuthority authority, string publicKeyPem)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Claims(Action<JsonObject>? change = null)
        {
            JsonObject claims = OpenIdTestAuthority.ChannelClaims();
            change?.Invoke(claims);
            return claims;
        }

        return
        [
            new("valid RS256 token, endorsed key", new TokenSpec("RS256", "endorsed", Claims()), Teams, Service, 200),
            new("valid RS512 token", new TokenSpec("RS512", "endorsed", Claims()), Teams, Service, 200),
            new("valid token, key without endorsements", new TokenSpec("RS256", "plain", Claims()), Teams, Service, 200),
            new("key endorsed for webchat used on webchat", new TokenSpec("RS256", "webchat-only", Claims()), "webchat", Service, 200),
            new("expired 2 minutes ago, inside the 5-minute skew", new TokenSpec("RS256", "endorsed", Claims(c => { c["exp"] = now - 120; c["nbf"] = now - 3600; c["iat"] = now - 3600; })), Teams, Service, 200),
            new("missing Authorization header", null, Teams, Service, 401, RawHeader: string.Empty),
            new("Basic scheme instead of Bearer", new TokenSpec("RS256", "endorsed", Claims()), Teams, Service, 401, Scheme: "Basic"),
            new("not a JWT", null, Teams, Service, 401, RawHeader: "Bearer abc.def"),
            new("wrong audience", new TokenSpec("RS256", "endorsed", Claims(c => c["aud"] = "99999999-0000-0000-0000-000000000000")), Teams, Service, 401),
            new("wrong issuer", new TokenSpec("RS256", "endorsed", Claims(c => c["iss"] = "https://evil.example.com")), Teams, Service, 401),
            new("expired 10 minutes ago", new TokenSpec("RS256", "endorsed", Claims(c => { c["exp"] = now - 600; c["nbf"] = now - 4000; c["iat"] = now - 4000; })), Teams, Service, 401),
            new("not valid for another 10 minutes", new TokenSpec("RS256", "endorsed", Claims(c => c["nbf"] = now + 600)), Teams, Service, 401),
            new("HS256 with a dummy key (Playground teams-ai-v2-dotnet)", new TokenSpec("HS256", "endorsed", Claims(), HmacKey: "dummy-key-dummy-key-dummy-key-32"), Teams, Service, 401),
            new("HS256 keyed with the RSA public key (algorithm confusion)", new TokenSpec("HS256", "endorsed", Claims(), HmacKey: publicKeyPem), Teams, Service, 401),
            new("alg none", new TokenSpec("none", "endorsed", Claims()), Teams, Service, 401),
            new("unknown key id", new TokenSpec("RS256", "unknown-kid", Claims(), SignWith: "rogue"), Teams, Service, 401),
            new("signed by a key that is not published", new TokenSpec("RS256", "endorsed", Claims(), SignWith: "rogue"), Teams, Service, 401),
            new("payload edited after signing", new TokenSpec("RS256", "endorsed", Claims(), TamperClaims: new JsonObject { ["serviceurl"] = "https://evil.example.com/" }), Teams, "https://evil.example.com/", 401),
            new("serviceurl claim differs from activity.serviceUrl", new TokenSpec("RS256", "endorsed", Claims(c => c["serviceurl"] = "https://evil.example.com/")), Teams, Service, 403),
            new("serviceurl claim missing", new TokenSpec("RS256", "endorsed", Claims(c => c.Remove("serviceurl"))), Teams, Service, 403),
            new("key not endorsed for the activity's channel", new TokenSpec("RS256", "webchat-only", Claims()), Teams, Service, 403),
            // Stricter than the SDK, on purpose: jsonwebtoken accepts a token without exp; a channel token always has one.
            new("no exp claim", new TokenSpec("RS256", "endorsed", Claims(c => c.Remove("exp"))), Teams, Service, 401, JsAccepts: true),
        ];
    }

    /// <summary>The C# twin of mint() in js/crosscheck.js.</summary>
    public static string Header(JwtCase c, OpenIdTestAuthority authority)
    {
        if (c.Token is not { } spec)
        {
            return c.RawHeader ?? string.Empty;
        }

        var header = new JsonObject { ["alg"] = spec.Alg, ["typ"] = "JWT" };
        if (spec.Kid.Length > 0)
        {
            header["kid"] = spec.Kid;
        }

        string head = Base64UrlEncoder.Encode(header.ToJsonString());
        string signingInput = head + "." + Base64UrlEncoder.Encode(spec.Claims.ToJsonString());
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        RSA Key() => spec.SignWith == "rogue" ? authority.Rogue : authority.Keys[spec.SignWith ?? spec.Kid];
        byte[] signature = spec.Alg switch
        {
            "none" => [],
            "HS256" => HMACSHA256.HashData(Encoding.UTF8.GetBytes(spec.HmacKey!), data),
            "RS256" => Key().SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => Key().SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => Key().SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
        string token = spec.TamperClaims is { } tamper
            ? head + "." + Base64UrlEncoder.Encode(Merge(spec.Claims, tamper).ToJsonString()) + "." + Base64UrlEncoder.Encode(signature)
            : signingInput + "." + Base64UrlEncoder.Encode(signature);
        return $"{c.Scheme} {token}";
    }

    private static JsonObject Merge(JsonObject claims, JsonObject changes)
    {
        var merged = (JsonObject)claims.DeepClone();
        foreach ((string key, JsonNode? value) in changes)
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }
}
