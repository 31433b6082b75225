using CopilotBot.Conversation.Kernel;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Conversation.Filters;

/// <summary>
/// Who may call what: the function's minimum role, and for any function given an account, whether that account is in
/// the caller's scope. A refusal names nothing about the account, so nothing leaks.
/// </summary>
public sealed class AuthorizationFilter(AccessPolicy policy) : IFunctionInvocationFilter
{
    public const string NoAccess = "You don't have access to that account.";

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        UserRole role = context.Caller.User.Role;
        UserRole needed = context.Function.Attribute.MinimumRole;
        bool roleOk = role == UserRole.Admin || needed == UserRole.Csm || role == needed
            || (needed == UserRole.Manager && role == UserRole.Approver);
        if (!roleOk)
        {
            context.Result = PluginResult.Refuse(
                $"Only {needed.ToString().ToLowerInvariant()}s can do that ({context.Function.FullName}). Ask an admin if you need it.");
            return;
        }

        if (context.Arguments.TryGetValue("account", out object? value) && value?.ToString() is { Length: > 0 } accountId
            && !await policy.CanSeeAccountAsync(context.Caller.Scope, accountId, CancellationToken.None))
        {
            context.Result = PluginResult.Refuse(NoAccess);
            return;
        }

        await next(context);
    }
}
