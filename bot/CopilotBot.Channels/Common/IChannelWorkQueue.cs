namespace CopilotBot.Channels.Common;

/// <summary>
/// Where an endpoint puts the slow part of a turn (the agent call and the reply) after acknowledging the channel: Slack wants
/// an answer within 3 s and Teams within ~15 s, a language model can take longer. The host may supply its own queue (a
/// hosted service, a durable queue); <see cref="InProcessChannelWorkQueue"/> is the default.
/// </summary>
public interface IChannelWorkQueue
{
    /// <summary>Queues <paramref name="work"/>; its token is cancelled when the application stops, not when the request ends.</summary>
    ValueTask EnqueueAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken = default);
}
