using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using Microsoft.SemanticKernel;

namespace CopilotBot.Conversation.Filters;

/// <summary>
/// Who may call what: the function's minimum role (its <see cref="FunctionPolicy"/>), and for every record a call names —
/// an account, an intervention (approval request) or a task, under whatever spelling of the argument would bind — whether
/// it is in the caller's scope. A refusal names nothing about the record, so nothing leaks.
/// </summary>
public sealed class AuthorizationFilter(AccessPolicy policy) : IFunctionInvocationFilter
{
    public const string NoAccess = "You don't have access to that account.";
    public const string NoAccessToTask = "You don't have access to that task.";
    public const string NoAccessToRequest = "You don't have access to that request.";

    /// <summary>Whether a user with <paramref name="role"/> may call a function needing <paramref name="needed"/> (cards show only such buttons).</summary>
    public static bool RoleAllows(UserRole role, UserRole needed) =>
        role == UserRole.Admin || needed == UserRole.Csm || role == needed || (needed == UserRole.Manager && role == UserRole.Approver);

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        CallerContext caller = context.Kernel.Caller();
        UserRole role = caller.User.Role;
        UserRole needed = context.Function.Policy().MinimumRole;
        bool roleOk = RoleAllows(role, needed);
        if (!roleOk)
        {
            Refuse(context, $"Only {needed.ToString().ToLowerInvariant()}s can do that ({context.Function.CatalogName()}). Ask an admin if you need it.");
            return;
        }

        AccessScope scope = caller.Scope;
        foreach ((string name, object? value) in context.Arguments)
        {
            if (scope.OwnerIds is null || value?.ToString() is not { Length: > 0 } id)
            {
                continue;
            }

            // The same matching as the argument binding (case and underscores ignored), so "Account" or "task_id" cannot slip past.
            string key = CopilotKernel.ArgumentKey(name);
            string? refusal = null;
            if (key == "account" && !await policy.CanSeeAccountAsync(scope, id, CancellationToken.None))
            {
                refusal = NoAccess;
            }
            else if (key == "intervention" && !await policy.CanSeeInterventionAsync(scope, id, CancellationToken.None))
            {
                refusal = NoAccessToRequest;
            }
            else if (key == "taskid" && !await policy.CanSeeTaskAsync(scope, id, CancellationToken.None))
            {
                refusal = NoAccessToTask;
            }

            if (refusal is not null)
            {
                Refuse(context, refusal);
                return;
            }
        }

        await next(context);
    }

    private static void Refuse(FunctionInvocationContext context, string text) =>
        context.Result = new FunctionResult(context.Function, PluginResult.Refuse(text));
}
