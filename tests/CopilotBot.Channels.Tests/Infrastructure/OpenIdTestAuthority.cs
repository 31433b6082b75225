using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace CopilotBot.Channels.Tests.Infrastructure;

/// <summary>
/// A local stand-in for login.botframework.com: RSA keys, an OpenID metadata document and a JWKS (with Bot Framework
/// <c>endorsements</c>) served over http on 127.0.0.1, and a minter for channel-style tokens. Keys:
/// <c>endorsed</c> (msteams, webchat), <c>webchat-only</c> (webchat), <c>plain</c> (no endorsements).
/// </summary>
public sealed class OpenIdTestAuthority : IAsyncDisposable
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string Issuer = "https://api.botframework.com";
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";

    private LoopbackServer? _server;

    private OpenIdTestAuthority()
    {
    }

    public Dictionary<string, RSA> Keys { get; } = new()
    {
        ["endorsed"] = RSA.Create(2048),
        ["webchat-only"] = RSA.Create(2048),
        ["plain"] = RSA.Create(2048),
    };

    /// <summary>A key the metadata does not publish, for forged signatures.</summary>
    public RSA Rogue { get; } = RSA.Create(2048);

    public string MetadataUrl => _server!.BaseUrl + "/v1/.well-known/openidconfiguration";

    public int MetadataRequests => _server!.Requests.Count(r => r.RawTarget.Contains("openidconfiguration", StringComparison.Ordinal));

    public static async Task<OpenIdTestAuthority> StartAsync()
    {
        var authority = new OpenIdTestAuthority();
        authority._server = await LoopbackServer.StartAsync(async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            if (request.RawTarget.EndsWith("/openidconfiguration", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync(new JsonObject
                {
                    ["issuer"] = Issuer,
                    ["authorization_endpoint"] = "https://invalid.example/auth",
                    ["jwks_uri"] = authority._server!.BaseUrl + "/v1/.well-known/keys",
                    ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                    ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
                }.ToJsonString());
            }
            else if (request.RawTarget.EndsWith("/keys", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync(authority.Jwks().ToJsonString());
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
        return authority;
    }

    public JsonObject Jwks()
    {
        var keys = new JsonArray();
        foreach ((string kid, RSA rsa) in Keys)
        {
            RSAParameters p = rsa.ExportParameters(false);
            var jwk = new JsonObject
            {
                ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
            if (kid == "endorsed")
            {
                jwk["endorsements"] = new JsonArray("msteams", "webchat");
            }
            else if (kid == "webchat-only")
            {
                jwk["endorsements"] = new JsonArray("webchat");
            }

            keys.Add(jwk);
        }

        return new JsonObject { ["keys"] = keys };
    }

    /// <summary>The standard valid claims for a channel token; tests remove or change what the case needs.</summary>
    public static JsonObject ChannelClaims(string? serviceUrl = ServiceUrl, string audience = AppId, string issuer = Issuer, DateTimeOffset? now = null)
    {
        long t = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var claims = new JsonObject { ["iss"] = issuer, ["aud"] = audience, ["iat"] = t - 10, ["nbf"] = t - 10, ["exp"] = t + 3600 };
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        return claims;
    }

    /// <summary>Mints a compact JWT by hand, so malformed variants (HS256, none, wrong key) are as easy as valid ones.</summary>
    public string Mint(JsonObject claims, string kid = "endorsed", string alg = "RS256", RSA? signWith = null, byte[]? hmacKey = null)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid.Length > 0)
        {
            header["kid"] = kid;
        }

        string signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        byte[] signature = alg switch
        {
            "none" => [],
            "HS256" => HMACSHA256.HashData(hmacKey ?? Encoding.UTF8.GetBytes("dummy-key-dummy-key-dummy-key-32"), data),
            "RS256" => (signWith ?? Keys[kid]).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => (signWith ?? Keys[kid]).SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => (signWith ?? Keys[kid]).SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentOutOfRangeException(nameof(alg)),
        };
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public string PrivateKeyPem(string kid) => Keys[kid].ExportPkcs8PrivateKeyPem();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (RSA rsa in Keys.Values)
        {
            rsa.Dispose();
        }

        Rogue.Dispose();
    }
}
