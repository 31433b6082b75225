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
