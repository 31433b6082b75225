using CopilotBot.Workspace.Domain;

namespace CopilotBot.Conversation.Functions;

/// <summary>Who is calling, from where, and what "today" is for them. Plugins receive it; the model never supplies it.</summary>
public sealed record CallerContext(User User, string Channel, string ConversationId, DateOnly Today, DateTimeOffset Now, AccessScope Scope)
{
    public bool IsAdmin => User.Role == UserRole.Admin;
}
