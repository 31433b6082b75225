using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CopilotBot.Channels.Slack;

public enum SlackSignatureStatus
{
    Valid,
    MissingHeaders,
    BadTimestamp,
    Stale,
    Mismatch,
}

/// <summary>
/// Slack request signing v0 (protocols.md 3.1): <c>v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))</c>, compared in
/// constant time, with timestamps more than 5 minutes from now (either way) refused as replays. The clock is injectable
/// because the published test vector is from 2018.
/// </summary>
public sealed class SlackSignatureVerifier
{
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string SignatureHeader = "X-Slack-Signature";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[] _secret;
    private readonly TimeProvider _clock;

    public SlackSignatureVerifier(string signingSecret, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingSecret);
        _secret = Encoding.UTF8.GetBytes(signingSecret);
        _clock = clock ?? TimeProvider.System;
    }

    public SlackSignatureStatus Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SlackSignatureStatus.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return SlackSignatureStatus.BadTimestamp;
        }

        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)Window.TotalSeconds)
        {
            return SlackSignatureStatus.Stale;
        }

        byte[] expected = Encoding.ASCII.GetBytes(Sign(_secret, timestamp, body));
        byte[] actual = Encoding.UTF8.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? SlackSignatureStatus.Valid : SlackSignatureStatus.Mismatch;
    }

    /// <summary>The <c>X-Slack-Signature</c> value for a body (used by the verifier, and by tests to sign requests).</summary>
    public static string Sign(string signingSecret, string timestamp, ReadOnlySpan<byte> body) => Sign(Encoding.UTF8.GetBytes(signingSecret), timestamp, body);

    private static string Sign(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        byte[] data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, data));
    }
}
