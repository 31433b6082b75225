using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Accounts;

/// <summary>
/// A deterministic list of realistic company accounts for tests, the bench and training (names in the
/// training utterances are masked through it). Well-known demo names come first with fixed ids
/// (Contoso Ltd is P10001); the rest are invented brand-like names ("Velridge Analytics").
/// </summary>
public static class DemoAccounts
{
    public const int DefaultCount = 1000;

    private static readonly string[] Famous =
    [
        "Contoso Ltd", "Contoso Pharma", "Northwind Traders", "Acme Corp", "Fabrikam Inc", "Fabrikam Robotics",
        "Adventure Works", "Tailspin Toys", "Wingtip Toys", "Litware Inc", "Proseware Inc", "Woodgrove Bank",
        "Alpine Ski House", "Coho Winery", "Fourth Coffee", "Lamna Healthcare", "Margie's Travel", "Trey Research",
        "Wide World Importers", "Blue Yonder Airlines", "Humongous Insurance", "Lucerne Publishing", "Relecloud",
        "Southridge Video", "VanArsdel Ltd", "Consolidated Messenger", "A. Datum Corporation", "Bellows College",
        "Munson's Pickles and Preserves", "Nod Publishers", "Tailwind Traders", "Graphic Design Institute",
        "City Power & Light", "Globex Corporation", "Initech", "Umbrella Health", "Hooli", "Pied Piper",
        "Vandelay Industries", "Wayne Enterprises", "Cyberdyne Systems", "Soylent Foods", "Massive Dynamic",
        "Oceanic Airlines", "Dunder Mifflin", "Sterling Cooper", "Prestige Worldwide", "Bluth Company",
        "Kramerica Industries", "Gekko & Co", "Stark Logistics", "Wonka Industries", "Tyrell Corporation",
        "Aperture Science", "Black Mesa Labs", "Virtucon", "Zorg Industries", "Oscorp", "Nakatomi Trading",
        "Duff Brewing", "Monarch Solutions", "Sirius Cybernetics", "Omni Consumer Products", "Weyland Logistics",
        "Rekall Inc", "Gringotts Capital", "Ollivanders", "Paper Street Soap", "Los Pollos Hermanos",
        "Blue Sun Corporation", "Yoyodyne Propulsion", "Spacely Sprockets", "Cogswell Cogs", "Sabre Systems",
        "Planet Express", "Mom's Friendly Robot Company", "Krusty Krab", "Bubba Gump Shrimp", "Vehement Capital",
        "Octan Energy", "Big Kahuna Burger", "Globoforce", "Pawnee Parks Supply", "Entertainment 720",
    ];

    private static readonly string[] Heads =
    [
        "Nor", "Vel", "Zen", "Aur", "Cal", "Ver", "Lum", "Nex", "Sol", "Ori", "Tri", "Ava", "Kin", "Bri", "Cor",
        "Dal", "Elm", "Fal", "Gal", "Hal", "Ion", "Jas", "Kel", "Lyn", "Mar", "Nov", "Oak", "Pax", "Quin", "Rad",
        "Sil", "Tal", "Ul", "Val", "Wyn", "Xen", "Yar", "Zel", "Ast", "Bel", "Cres", "Dor", "Eva", "Fen", "Gren",
        "Hel", "Isl", "Jun", "Kor", "Lor", "Mer", "Nim", "Ost", "Pel", "Riv", "Sten", "Tor", "Ves", "Wex", "Ard",
    ];

    private static readonly string[] Tails =
    [
        "tex", "ora", "ia", "ium", "ix", "ara", "ent", "ica", "ido", "ify", "io", "ova", "stra", "tron", "vera",
        "wise", "gen", "dyne", "lytics", "metrics", "point", "path", "wave", "ridge", "field", "stone", "bridge",
        "gate", "view", "peak", "line", "core", "sphere", "scape", "worth", "ton", "mark", "haven", "crest", "forge",
    ];

    private static readonly string[] Descriptors =
    [
        "Systems", "Logistics", "Health", "Bank", "Energy", "Media", "Labs", "Analytics", "Foods", "Retail",
        "Manufacturing", "Insurance", "Capital", "Partners", "Holdings", "Technologies", "Solutions", "Networks",
        "Software", "Robotics", "Airlines", "Motors", "Pharma", "Telecom", "Group", "Inc", "Ltd", "Corp", "LLC",
        "GmbH", "Consulting", "Hotels", "Biotech", "Security", "Cloud", "Data", "Studios", "Apparel",
        "Construction", "Realty", "Learning", "Financial", "Medical", "Industries", "Brands", "Foods Inc",
        "Digital", "Global", "Ventures", "Dynamics",
    ];

    public static IReadOnlyList<AccountRef> Generate(int count = DefaultCount)
    {
        var accounts = new List<AccountRef>(count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in Famous)
        {
            if (accounts.Count == count)
            {
                return accounts;
            }

            names.Add(name);
            stems.Add(name.Split(' ')[0]);
            accounts.Add(new AccountRef($"P{10001 + accounts.Count}", name));
        }

        var random = new SplitMix64(20260205);
        while (accounts.Count < count)
        {
            string stem = MakeStem(ref random);
            if (stem.Length is < 5 or > 11 || CommonWords.Contains(stem.ToLowerInvariant()) || !stems.Add(stem))
            {
                continue;
            }

            string name = $"{stem} {Descriptors[random.NextInt(Descriptors.Length)]}";
            if (names.Add(name))
            {
                accounts.Add(new AccountRef($"P{10001 + accounts.Count}", name));
            }
        }

        return accounts;
    }

    private static string MakeStem(ref SplitMix64 random) =>
        Heads[random.NextInt(Heads.Length)] + Tails[random.NextInt(Tails.Length)];
}
