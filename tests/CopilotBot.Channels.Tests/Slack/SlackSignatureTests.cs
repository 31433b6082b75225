using System.Text;
using CopilotBot.Channels.Slack;

namespace CopilotBot.Channels.Tests.Slack;

public sealed class SlackSignatureTests
{
    // The published example from Slack's "Verifying requests from Slack" (also in protocols.md 3.1 / real-clients.md).
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    internal sealed class FixedClock(long unixSeconds) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
    }

    private static SlackSignatureVerifier Verifier(long now = 1531420618 + 30, string secret = Secret) => new(secret, new FixedClock(now));

    [Fact]
    public void The_published_example_verifies()
    {
        Assert.Equal(SlackSignatureStatus.Valid, Verifier().Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(Signature, SlackSignatureVerifier.Sign(Secret, Timestamp, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData(1531420618 + 300, SlackSignatureStatus.Valid)]
    [InlineData(1531420618 - 300, SlackSignatureStatus.Valid)]
    [InlineData(1531420618 + 301, SlackSignatureStatus.Stale)]
    [InlineData(1531420618 - 301, SlackSignatureStatus.Stale)]
    [InlineData(1700000000, SlackSignatureStatus.Stale)]
    public void The_five_minute_window_holds_both_ways(long now, SlackSignatureStatus expected)
    {
        Assert.Equal(expected, Verifier(now).Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void Wrong_secret_fails()
    {
        Assert.Equal(SlackSignatureStatus.Mismatch, Verifier(secret: "another-secret").Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void Tampered_body_fails()
    {
        byte[] tampered = Encoding.UTF8.GetBytes(Body.Replace("roadrunner", "coyote", StringComparison.Ordinal));

        Assert.Equal(SlackSignatureStatus.Mismatch, Verifier().Verify(Timestamp, Signature, tampered));
    }

    [Theory]
    [InlineData("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57")]
    [InlineData("garbage")]
    public void Other_signature_spellings_fail(string signature)
    {
        Assert.Equal(SlackSignatureStatus.Mismatch, Verifier().Verify(Timestamp, signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData(null, Signature, SlackSignatureStatus.MissingHeaders)]
    [InlineData(Timestamp, null, SlackSignatureStatus.MissingHeaders)]
    [InlineData("", "", SlackSignatureStatus.MissingHeaders)]
    [InlineData("15314206l8", Signature, SlackSignatureStatus.BadTimestamp)]
    [InlineData("-1531420618", Signature, SlackSignatureStatus.BadTimestamp)]
    public void Missing_or_bad_headers_fail(string? timestamp, string? signature, SlackSignatureStatus expected)
    {
        Assert.Equal(expected, Verifier().Verify(timestamp, signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void The_timestamp_is_part_of_what_is_signed()
    {
        // Replaying the same signature with a fresh timestamp must not pass.
        Assert.Equal(SlackSignatureStatus.Mismatch, Verifier().Verify("1531420619", Signature, Encoding.UTF8.GetBytes(Body)));
    }
}
