using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Conversation.Functions;

/// <summary>
/// Which accounts a user may see: a CSM their own book, a manager their team's (and their own), approvers and admins all.
/// One place decides; plugins receive the resulting <see cref="AccessScope"/> and query within it. Records that are not
/// accounts (an intervention, a task) are judged by the account they belong to; a task without one by its assignee.
/// </summary>
/// <param name="interventions">Where intervention ids resolve; without it intervention ids are not checked here.</param>
/// <param name="findTask">Where task ids resolve (the CRM in use); without it task ids are not checked here.</param>
public sealed class AccessPolicy(
    IUserStore users,
    IAccountStore accounts,
    IInterventionStore? interventions = null,
    Func<string, CancellationToken, Task<CrmTask?>>? findTask = null)
{
    public async Task<AccessScope> ScopeAsync(User user, CancellationToken cancellationToken)
    {
        switch (user.Role)
        {
            case UserRole.Admin or UserRole.Approver:
                return AccessScope.Everything;
            case UserRole.Manager:
                IReadOnlyList<User> all = await users.ListAsync(cancellationToken);
                var team = all.Where(u => u.ManagerId == user.Id).Select(u => u.Id).Append(user.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
                return new AccessScope(team);
            default:
                return new AccessScope(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { user.Id });
        }
    }

    public async Task<bool> CanSeeAccountAsync(AccessScope scope, string accountId, CancellationToken cancellationToken)
    {
        if (scope.OwnerIds is null)
        {
            return true;
        }

        Account? account = await accounts.GetAsync(accountId, cancellationToken);
        return account?.OwnerId is { } owner && scope.OwnerIds.Contains(owner);
    }

    /// <summary>
    /// A task is visible when its account is (as in the task list, whoever it is assigned to), or, without an account, when
    /// its assignee is in scope. An unknown id is not refused here: the function says it cannot find it.
    /// </summary>
    public async Task<bool> CanSeeTaskAsync(AccessScope scope, string taskId, CancellationToken cancellationToken)
    {
        if (scope.OwnerIds is null || findTask is null || await findTask(taskId.Trim(), cancellationToken) is not { } task)
        {
            return true;
        }

        return task.AccountId is { } account
            ? await CanSeeAccountAsync(scope, account, cancellationToken)
            : task.AssigneeId is { } assignee && scope.OwnerIds.Contains(assignee);
    }

    /// <summary>An intervention (or approval request) is visible when its account is. An unknown id is not refused here.</summary>
    public async Task<bool> CanSeeInterventionAsync(AccessScope scope, string interventionId, CancellationToken cancellationToken)
    {
        if (scope.OwnerIds is null || interventions is null || await interventions.GetAsync(interventionId.Trim(), cancellationToken) is not { } intervention)
        {
            return true;
        }

        return await CanSeeAccountAsync(scope, intervention.AccountId, cancellationToken);
    }
}

/// <summary>The owners whose accounts are visible; null means every account.</summary>
public sealed record AccessScope(IReadOnlySet<string>? OwnerIds)
{
    public static readonly AccessScope Everything = new((IReadOnlySet<string>?)null);

    public bool Allows(Account account) => OwnerIds is null || (account.OwnerId is { } o && OwnerIds.Contains(o));
}
