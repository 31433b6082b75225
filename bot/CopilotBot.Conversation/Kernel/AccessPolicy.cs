using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Conversation.Kernel;

/// <summary>
/// Which accounts a user may see: a CSM their own book, a manager their team's (and their own), approvers and admins all.
/// One place decides; plugins receive the resulting <see cref="AccessScope"/> and query within it.
/// </summary>
public sealed class AccessPolicy(IUserStore users, IAccountStore accounts)
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
}

/// <summary>The owners whose accounts are visible; null means every account.</summary>
public sealed record AccessScope(IReadOnlySet<string>? OwnerIds)
{
    public static readonly AccessScope Everything = new((IReadOnlySet<string>?)null);

    public bool Allows(Account account) => OwnerIds is null || (account.OwnerId is { } o && OwnerIds.Contains(o));
}
