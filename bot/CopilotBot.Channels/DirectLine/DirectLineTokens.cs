using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CopilotBot.Channels.DirectLine;

/// <summary>Who a token speaks for, in which conversation, for what (<see cref="DirectLineTokens.ConversationScope"/> or stream), until when.</summary>
public sealed record DirectLineClaims(string UserId, string ConversationId, string Scope, DateTimeOffset Expires);

public enum DirectLineTokenStatus
{
    Valid,
    Expired,
    Invalid,
}

public readonly record struct DirectLineTokenCheck(DirectLineTokenStatus Status, DirectLineClaims? Claims = null);

/// <summary>
/// Mints and checks Direct Line tokens: compact JWTs signed with HMAC-SHA256 (header fixed to HS256, so no algorithm can be
/// swapped in), carrying the user, the conversation, a scope and an expiry. The <c>user</c> claim is where Web Chat and
/// DirectLineJS read the user id from, so the page never states who it is: the token does, and posts must match it.
/// </summary>
public sealed class DirectLineTokens
{
    public const string ConversationScope = "conversation";
    public const string StreamScope = "stream";

    /// <summary>Longer than any token this class mints; anything longer is refused before it is decoded.</summary>
    private const int MaxTokenLength = 4096;

    private static readonly string Header = Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    private readonly byte[] _key;
    private readonly byte[]? _secretHash;
    private readonly TimeProvider _clock;
    private readonly DirectLineOptions _options;

    public DirectLineTokens(DirectLineOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
        if (options.Secret is { Length: > 0 } secret)
        {
            _secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            // The signing key is derived from the secret rather than being the secret, so the two uses stay apart.
            _key = HMACSHA256.HashData(_secretHash, "CopilotBot Direct Line token key"u8);
        }
        else
        {
            _key = RandomNumberGenerator.GetBytes(32);
        }
    }

    /// <summary>True when <paramref name="presented"/> is the configured secret (never true when the secret was generated).</summary>
    public bool IsSecret(string presented) =>
        _secretHash is not null && CryptographicOperations.FixedTimeEquals(_secretHash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    public (string Token, int ExpiresIn) Mint(string userId, string conversationId, string scope)
    {
        TimeSpan lifetime = scope == StreamScope ? _options.StreamTokenLifetime : _options.TokenLifetime;
        DateTimeOffset now = _clock.GetUtcNow();
        long exp = (now + lifetime).ToUnixTimeSeconds();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("user", userId);
            json.WriteString("conv", conversationId);
            json.WriteString("scope", scope);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", exp);
            json.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9)));
            json.WriteEndObject();
        }

        string unsigned = Header + "." + Base64Url.EncodeToString(buffer.ToArray());
        return (unsigned + "." + Sign(unsigned), (int)lifetime.TotalSeconds);
    }

    /// <summary>Checks signature, then scope, then expiry; anything malformed is <see cref="DirectLineTokenStatus.Invalid"/>.</summary>
    public DirectLineTokenCheck Validate(string? token, string scope)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return new(DirectLineTokenStatus.Invalid);
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Header)
        {
            return new(DirectLineTokenStatus.Invalid);
        }

        byte[] expected = Encoding.ASCII.GetBytes(Sign(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2])))
        {
            return new(DirectLineTokenStatus.Invalid);
        }

        string? user, conversation, tokenScope;
        DateTimeOffset expires;
        try
        {
            using JsonDocument payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            JsonElement root = payload.RootElement;
            user = root.GetProperty("user").GetString();
            conversation = root.GetProperty("conv").GetString();
            tokenScope = root.GetProperty("scope").GetString();
            expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Signed by us but unreadable can only mean a bug or a leaked key; either way it is not a usable token.
            return new(DirectLineTokenStatus.Invalid);
        }

        if (tokenScope != scope || user is not { Length: > 0 } || conversation is not { Length: > 0 })
        {
            return new(DirectLineTokenStatus.Invalid);
        }

        var claims = new DirectLineClaims(user, conversation, tokenScope, expires);

        return claims.Expires <= _clock.GetUtcNow() ? new(DirectLineTokenStatus.Expired, claims) : new(DirectLineTokenStatus.Valid, claims);
    }

    /// <summary>Whole seconds until the token expires (0 when it has).</summary>
    public int SecondsLeft(DirectLineClaims claims) => (int)Math.Max(0, (claims.Expires - _clock.GetUtcNow()).TotalSeconds);

    private string Sign(string unsigned) => Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned)));
}
