using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Host.Web;

/// <summary>
/// Maps a Teams or Slack identity to a workspace user: an explicit mapping in configuration
/// (<c>Channels:Users:{channel id or Entra object id} = user id</c>, which wins), else the workspace's identity map
/// (<c>import users</c> with <c>teams_aad_id</c>, <c>slack_id</c>, <c>aliases</c>), else a user whose id, email or name
/// matches, else <c>Channels:DefaultUser</c>; in anonymous local mode (no Bot app id) Bot Framework clients such as the
/// Agents Playground act as the workspace admin. Anyone else stays unknown and is told so by the agent.
/// </summary>
public sealed class WorkspaceUserResolver(CopilotRuntime runtime, IConfiguration configuration, BotOptions bot, ILogger<WorkspaceUserResolver> logger) : IChannelUserResolver
{
    private int _warned;

    public async ValueTask<string> ResolveAsync(ChannelUser user, CancellationToken cancellationToken = default)
    {
        foreach (string? key in new[] { user.AadObjectId, user.Id })
        {
            if (key is { Length: > 0 } && configuration[$"Channels:Users:{key}"] is { Length: > 0 } mapped)
            {
                return mapped;
            }
        }

        if (await MappedAsync(user, cancellationToken) is { } known)
        {
            return known;
        }

        IReadOnlyList<User> users = await runtime.Workspace.Users.ListAsync(cancellationToken);
        User? match = users.FirstOrDefault(u =>
            string.Equals(u.Id, user.Id, StringComparison.OrdinalIgnoreCase)
            || string.Equals(u.Email, user.Id, StringComparison.OrdinalIgnoreCase)
            || (user.Name is { Length: > 0 } name && string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)));
        if (match is not null)
        {
            return match.Id;
        }

        if (configuration["Channels:DefaultUser"] is { Length: > 0 } fallback)
        {
            return fallback;
        }

        if (bot.IsAnonymous && user.Channel != "slack" && await runtime.Workspace.Meta.GetAsync(WorkspaceKeys.AdminUser, cancellationToken) is { } admin)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                logger.LogWarning("Anonymous local mode: unmapped Bot Framework users act as the workspace admin {Admin}. Configure Bot:MicrosoftAppId for real tenants", admin);
            }

            return admin;
        }

        return PassThroughUserResolver.Default(user);
    }

    /// <summary>The workspace's identity map: Entra object id (Teams), Slack member id, then aliases (id or display name).</summary>
    private async Task<string?> MappedAsync(ChannelUser user, CancellationToken cancellationToken)
    {
        IUserStore users = runtime.Workspace.Users;
        (string Channel, string? Id)[] lookups =
        [
            (IdentityChannels.Teams, user.AadObjectId),
            (IdentityChannels.Slack, user.Channel == "slack" ? user.Id : null),
            (IdentityChannels.Alias, user.Id),
            (IdentityChannels.Alias, user.Name),
        ];
        foreach ((string channel, string? id) in lookups)
        {
            if (id is { Length: > 0 } && await users.FindByIdentityAsync(channel, id, cancellationToken) is { } mapped)
            {
                return mapped;
            }
        }

        return null;
    }
}
