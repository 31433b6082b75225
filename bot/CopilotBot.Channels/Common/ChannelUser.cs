namespace CopilotBot.Channels.Common;

/// <summary>Who sent a message, as the channel knows them (Teams: 29:… id and Entra object id; Slack: U… id and team).</summary>
public sealed record ChannelUser(string Channel, string Id, string? Name = null, string? AadObjectId = null, string? TeamId = null);

/// <summary>
/// Maps a channel identity to the id the agent knows (<c>TurnRequest.UserId</c>). The default passes the channel's id through
/// (Teams: the Entra object id when present); the host plugs in its directory lookup.
/// </summary>
public interface IChannelUserResolver
{
    ValueTask<string> ResolveAsync(ChannelUser user, CancellationToken cancellationToken = default);
}

public sealed class PassThroughUserResolver : IChannelUserResolver
{
    public static readonly PassThroughUserResolver Instance = new();

    public static string Default(ChannelUser user) => user.AadObjectId is { Length: > 0 } aad ? aad : user.Id;

    public ValueTask<string> ResolveAsync(ChannelUser user, CancellationToken cancellationToken = default) => ValueTask.FromResult(Default(user));
}
