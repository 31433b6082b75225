using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests;

/// <summary>
/// A workspace for real data (issue 16, section 2): the README's "Use your own data" walk-through, run step by step on the
/// sample files it names (samples/own-data), and what an import into the demo workspace says.
/// </summary>
public sealed class OwnDataTests : IDisposable
{
    private const string Today = "2026-11-21";
    private readonly ScratchDirectory _scratch = new("copilot-own-data");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task OwnDataWalkThrough_RunsEveryReadmeStep_OnAnEmptyWorkspace()
    {
        string ws = Path.Combine(_scratch.Path, "ws");

        (int initExit, string init, _) = await Cli.RunAsync("", "workspace", "init", "--empty", "--workspace", ws, "--now", Today);
        (_, string before, _) = await Cli.RunAsync("", "workspace", "--workspace", ws, "--now", Today);
        var imports = new List<(int Exit, string Out, string Err)>();
        foreach (string kind in new[] { "users", "accounts", "usage", "conversations" })
        {
            imports.Add(await Cli.RunAsync("", "import", kind, "--file", Sample(kind + ".csv"), "--workspace", ws, "--now", Today));
        }

        (int trainExit, string train, string trainErr) = await Cli.RunAsync("", "churn", "train", "--workspace", ws, "--now", Today);
        (int askExit, string ask, _) = await Cli.RunAsync("", "ask", "--json", "--as", "sam.patel", "which of my accounts are most likely to churn?", "--workspace", ws, "--now", Today);
        var growth = new List<(int Exit, string Out, string Err)>
        {
            await Cli.RunAsync("", "import", "features", "--file", Sample("features.csv"), "--workspace", ws, "--now", Today),
            await Cli.RunAsync("", "import", "subscriptions", "--file", Sample("subscriptions.csv"), "--workspace", ws, "--now", Today),
            await Cli.RunAsync("", "import", "usage", "--file", Sample("feature-events.csv"), "--workspace", ws, "--now", Today),
        };
        (int nextExit, string next, _) = await Cli.RunAsync("", "ask", "--json", "--as", "sam.patel", "what should Hooli Labs adopt next?", "--workspace", ws, "--now", Today);
        (_, string after, _) = await Cli.RunAsync("", "workspace", "--workspace", ws, "--now", Today);

        Assert.Equal(0, initExit);
        Assert.Contains("0 accounts and 0 users", init, StringComparison.Ordinal);
        Assert.Contains("Accounts: 0,", before, StringComparison.Ordinal);
        Assert.All(imports, i => Assert.True(i.Exit == 0, i.Out + i.Err));
        Assert.All(imports, i => Assert.DoesNotContain("demo portfolio", i.Err, StringComparison.Ordinal));
        Assert.Equal(
            ["Imported 4 users", "Imported 60 accounts", "Imported 690 usage months", "Imported 120 conversations"],
            imports.Select(i => i.Out[..i.Out.IndexOf(" from ", StringComparison.Ordinal)]));
        Assert.True(trainExit == 0, train + trainErr);
        Assert.Equal(0, askExit);
        JsonObject answer = JsonNode.Parse(ask)!.AsObject();
        Assert.Equal("churn.at_risk", (string?)answer["tool"]);
        string shown = answer.ToJsonString();
        Assert.Contains("your book", (string?)answer["reply"], StringComparison.Ordinal);
        Assert.DoesNotMatch(@"P1\d{4}", shown); // nothing from the demo portfolio
        Assert.All(growth, i => Assert.True(i.Exit == 0, i.Out + i.Err));
        Assert.Equal(0, nextExit);
        JsonObject nextSteps = JsonNode.Parse(next)!.AsObject();
        Assert.Equal(("adoption.next_steps", "C1005"), ((string?)nextSteps["tool"], (string?)nextSteps["arguments"]?["account"]));
        Assert.StartsWith("Hooli Labs (C1005) should adopt next: 1. ", (string?)nextSteps["reply"], StringComparison.Ordinal);
                Assert.Contains("Accounts: 60, conversations: 120, users: 4", after, StringComparison.Ordinal);
        Assert.Contains("Data: imported", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SaysTheWorkspaceIsTheDemoAndOffersReplaceDemo_WhenItHoldsTheDemoPortfolio()
    {
        string ws = Path.Combine(_scratch.Path, "demo");
        string file = Path.Combine(_scratch.Path, "accounts.csv");
        await File.WriteAllTextAsync(file, "id,name,tier,arr,region\nX1,New Co,Gold,70000,EMEA\nX2,Other Co,Silver,9000,NA\n");

        (int mixedExit, _, string mixedErr) = await Cli.RunAsync("", "import", "accounts", "--file", file, "--workspace", ws, "--now", Today);
        (int replacedExit, string replaced, _) = await Cli.RunAsync("", "import", "accounts", "--file", file, "--replace-demo", "--workspace", ws, "--now", Today);
        (_, string after, _) = await Cli.RunAsync("", "workspace", "--workspace", ws, "--now", Today);

        Assert.Equal(0, mixedExit);
        Assert.Contains("holds the demo portfolio", mixedErr, StringComparison.Ordinal);
        Assert.Contains("--replace-demo", mixedErr, StringComparison.Ordinal);
        Assert.Equal(0, replacedExit);
        Assert.Contains("Deleted the demo portfolio", replaced, StringComparison.Ordinal);
        Assert.Contains("Accounts: 2, conversations: 0, users: 0", after, StringComparison.Ordinal);
        Assert.Contains("Data: imported", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkspaceInitEmpty_StaysEmpty_WhenOpenedAgainBeforeAnyImport()
    {
        string ws = Path.Combine(_scratch.Path, "empty");

        await Cli.RunAsync("", "workspace", "init", "--empty", "--workspace", ws, "--now", Today);
        (_, string users, _) = await Cli.RunAsync("", "users", "--workspace", ws, "--now", Today);
        (_, string again, _) = await Cli.RunAsync("", "workspace", "--workspace", ws, "--now", Today);

        Assert.Contains("Accounts: 0, conversations: 0, users: 0", again, StringComparison.Ordinal);
        Assert.Contains("none yet", again, StringComparison.Ordinal);
        Assert.StartsWith("ID ", users, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SaysOneAccountInTheSingular_AndNamesMissingColumnsInPlainWords()
    {
        string ws = Path.Combine(_scratch.Path, "one");
        string one = Path.Combine(_scratch.Path, "one.csv");
        string bad = Path.Combine(_scratch.Path, "bad.csv");
        await File.WriteAllTextAsync(one, "id,name,tier,arr,region\nX1,New Co,Gold,70000,EMEA\n");
        await File.WriteAllTextAsync(bad, "id,name\nX1,New Co\n");
        await Cli.RunAsync("", "workspace", "init", "--empty", "--workspace", ws, "--now", Today);

        (_, string imported, _) = await Cli.RunAsync("", "import", "accounts", "--file", one, "--workspace", ws, "--now", Today);
        (_, _, string refused) = await Cli.RunAsync("", "import", "accounts", "--file", bad, "--workspace", ws, "--now", Today);

        Assert.StartsWith("Imported 1 account from ", imported, StringComparison.Ordinal);
        Assert.Contains("missing the required columns tier, arr, region for importing accounts", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportConversations_SaysWhichTopicsItFound_WhenConversationsHaveNoTopicFromTheVocabulary()
    {
        string ws = Path.Combine(_scratch.Path, "airline");
        string file = Path.Combine(_scratch.Path, "airline.csv");
        string[] bags = ["my bag never arrived", "the bag I checked is lost", "where is my bag, not on the belt", "lost bag after my connection",
            "my bag came out torn", "still no bag after two days", "they sent my bag to Denver", "bag delivery promised and nothing"];
        string[] wifi = ["the wifi on board did not work", "paid for wifi and it never connected", "wifi kept dropping the whole flight",
            "no wifi at all on a six hour flight", "wifi page would not load", "wifi was too slow to send an email", "the wifi pass never worked", "wifi advertised but unavailable"];
        string[] seats = ["my seat would not recline", "they gave my seat away", "seat was broken and wet", "paid for an exit row seat and got a middle seat",
            "seat assignment vanished at the gate", "the seat cushion was torn", "no seat together with my kids", "seat upgrade charged twice"];
        var lines = new List<string> { "conversation_id,timestamp,turn,speaker,text" };
        foreach ((string text, int i) in bags.Concat(wifi).Concat(seats).Select((t, i) => (t, i)))
        {
            lines.Add($"A{i:000},2026-11-{10 + (i % 9):00}T09:00:00Z,1,customer,\"{text}\"");
        }

        await File.WriteAllLinesAsync(file, lines);
        await Cli.RunAsync("", "workspace", "init", "--empty", "--workspace", ws, "--now", Today);

        (int exit, string imported, string err) = await Cli.RunAsync("", "import", "conversations", "--file", file, "--workspace", ws, "--now", Today);

        Assert.True(exit == 0, imported + err);
        string topics = imported.Split('\n').Single(l => l.StartsWith("Topics found among the ", StringComparison.Ordinal));
        Assert.Contains("bag ", topics, StringComparison.Ordinal);
        Assert.Contains("wifi ", topics, StringComparison.Ordinal);
        Assert.Contains("seat ", topics, StringComparison.Ordinal);
    }

    /// <summary>The README walk-through's sample files, in the repository.</summary>
    private static string Sample(string name)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CopilotBot.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "samples", "own-data", name);
    }
}
