using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Demo;

/// <summary>The demo team: a dozen CSMs in three teams, their managers, two approvers and an admin.</summary>
public static class DemoUsers
{
    public const string AdminId = "riley.chen";

    public static IReadOnlyList<User> All { get; } = Build();

    /// <summary>The CSMs and the region each covers (a CSM's book is drawn from their region).</summary>
    public static IReadOnlyList<(string CsmId, Region Region)> CsmRegions { get; } =
    [
        ("jamie.ortiz", Region.NA), ("taylor.brooks", Region.NA), ("chris.nguyen", Region.NA), ("pat.kowalski", Region.NA),
        ("sofia.marino", Region.EMEA), ("lukas.weber", Region.EMEA), ("amara.diallo", Region.EMEA), ("oliver.hughes", Region.EMEA),
        ("mei.lin", Region.APAC), ("arjun.mehta", Region.APAC), ("lucia.gomez", Region.LATAM), ("diego.santos", Region.LATAM),
    ];

    private static List<User> Build()
    {
        var users = new List<User>
        {
            new("morgan.reyes", "Morgan Reyes", "morgan.reyes@copilotbot.demo", UserRole.Manager, "dana.whitfield"),
            new("priya.natarajan", "Priya Natarajan", "priya.natarajan@copilotbot.demo", UserRole.Manager, "dana.whitfield"),
            new("kenji.watanabe", "Kenji Watanabe", "kenji.watanabe@copilotbot.demo", UserRole.Manager, "dana.whitfield"),
            new("dana.whitfield", "Dana Whitfield", "dana.whitfield@copilotbot.demo", UserRole.Approver, null),
            new("samuel.okafor", "Samuel Okafor", "samuel.okafor@copilotbot.demo", UserRole.Approver, null),
            new(AdminId, "Riley Chen", "riley.chen@copilotbot.demo", UserRole.Admin, null),
        };
        string[] names =
        [
            "Jamie Ortiz", "Taylor Brooks", "Chris Nguyen", "Pat Kowalski", "Sofia Marino", "Lukas Weber", "Amara Diallo",
            "Oliver Hughes", "Mei Lin", "Arjun Mehta", "Lucia Gomez", "Diego Santos",
        ];
        for (int i = 0; i < names.Length; i++)
        {
            string id = names[i].ToLowerInvariant().Replace(' ', '.');
            string manager = i < 4 ? "morgan.reyes" : i < 8 ? "priya.natarajan" : "kenji.watanabe";
            users.Add(new User(id, names[i], id + "@copilotbot.demo", UserRole.Csm, manager));
        }

        return users;
    }
}
