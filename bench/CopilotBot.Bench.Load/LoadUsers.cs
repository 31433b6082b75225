using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Bench.Load;

/// <summary>
/// The virtual users: 70% are mapped to the workspace's CSMs and 20% to its managers by <c>Channels:Users:{aad id}</c>
/// (each sees their own book or team), 10% are unmapped Teams users, whom anonymous local mode treats as the workspace
/// admin (all 1,000 accounts, the heaviest scope).
/// </summary>
public static class LoadUsers
{
    public static async Task<(IReadOnlyList<LoadUser> Users, IReadOnlyList<string> ConfigArgs)> CreateAsync(CopilotWorkspace workspace, int count)
    {
        IReadOnlyList<User> all = await workspace.Users.ListAsync();
        var csms = all.Where(u => u.Role == UserRole.Csm).OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
        var managers = all.Where(u => u.Role == UserRole.Manager).OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
        IReadOnlyList<Account> accounts = await workspace.Accounts.ListAsync(new AccountQuery());
        IReadOnlyList<string> Book(Func<Account, bool> inScope) => accounts.Where(inScope).Select(a => a.Name).ToList();

        var users = new List<LoadUser>();
        var args = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string aad = $"00000000-load-{i:D4}";
            int slot = i % 10;
            if (slot < 7 && csms.Count > 0)
            {
                User csm = csms[i % csms.Count];
                users.Add(new LoadUser("29:load-" + i, aad, csm.Name, csm.Id, LoadPersona.Csm, Book(a => a.OwnerId == csm.Id)));
                args.Add($"--Channels:Users:{aad}={csm.Id}");
            }
            else if (slot < 9 && managers.Count > 0)
            {
                User manager = managers[i % managers.Count];
                var team = csms.Where(c => c.ManagerId == manager.Id).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                users.Add(new LoadUser("29:load-" + i, aad, manager.Name, manager.Id, LoadPersona.Manager, Book(a => a.OwnerId is { } o && team.Contains(o))));
                args.Add($"--Channels:Users:{aad}={manager.Id}");
            }
            else
            {
                users.Add(new LoadUser("29:load-" + i, aad, "Load Visitor " + i, null, LoadPersona.Admin, accounts.Select(a => a.Name).ToList()));
            }
        }

        return (users, args);
    }
}
