namespace CopilotBot.Channels.Common;

/// <summary>
/// Remembers inbound delivery ids (Bot Framework activity ids, Slack event ids) for a while, because channels redeliver:
/// Slack retries slow acks, Teams retries on timeouts. Behind an interface so a database-backed store can replace the
/// in-memory one when the bot runs on more than one instance.
/// </summary>
public interface IInboundDeduplicator
{
    /// <summary>Returns true the first time <paramref name="key"/> is seen within the time-to-live, false for a repeat.</summary>
    ValueTask<bool> TryClaimAsync(string key, CancellationToken cancellationToken = default);
}
