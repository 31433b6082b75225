using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests;

[Collection(SeededWorkspaceCollection.Name)]
public sealed class AskCommandTests(SeededWorkspaceFixture fixture)
{
    private static readonly string[] ContractKeys = ["question", "tool", "arguments", "reply", "cards", "evidence", "confidence"];

    [Fact]
    public async Task Ask_PrintsOneContractObject_WhenJsonIsRequested()
    {
        (int exit, string stdout, _) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--now", SeededWorkspaceFixture.Today, "--json", "what can you do?");

        Assert.Equal(0, exit);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonObject answer = Assert.Single(lines.Select(l => JsonNode.Parse(l)!.AsObject()));
        Assert.Equal(ContractKeys.Order(), answer.Select(p => p.Key).Order());
        Assert.Equal("what can you do?", (string?)answer["question"]);
        Assert.Equal("help", (string?)answer["tool"]);
        Assert.IsType<JsonObject>(answer["arguments"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)answer["reply"]));
        JsonObject card = Assert.IsType<JsonObject>(Assert.Single(answer["cards"]!.AsArray()));
        Assert.Equal(("AdaptiveCard", "1.5"), ((string?)card["type"], (string?)card["version"]));
        Assert.IsType<JsonArray>(answer["evidence"]);
        Assert.InRange((double)answer["confidence"]!, 0, 1);
    }

    [Fact]
    public async Task Ask_AnswersEachLine_WhenReadingFromStdin()
    {
        string input = "help\n\nwhat can you do\n" + new string('x', 10_000) + "\nbad\u0001\u0007input\n";

        (int exit, string stdout, _) = await Cli.RunAsync(input, "ask", "--stdin", "--json", "--workspace", fixture.Directory, "--now", SeededWorkspaceFixture.Today);

        Assert.Equal(0, exit);
        var answers = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(5, answers.Count);
        Assert.Equal(string.Empty, (string?)answers[1]["question"]);
        Assert.Null((string?)answers[1]["tool"]);
        Assert.Contains("Ask me something", (string?)answers[1]["reply"], StringComparison.Ordinal);
        Assert.All(answers, a => Assert.Equal(ContractKeys.Order(), a.Select(p => p.Key).Order()));
    }

    [Fact]
    public async Task Ask_ExplainsWhatToDo_WhenNoQuestionIsGiven()
    {
        (int exit, string stdout, string stderr) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("copilot ask", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_RefusesAnUnknownOption_InsteadOfAskingItAsPartOfTheQuestion()
    {
        (int exit, string stdout, string stderr) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--user", "jamie.ortiz", "who is at risk?");
        (int quoted, string answer, _) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--now", SeededWorkspaceFixture.Today, "what does --verbose mean?");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("Unknown option --user", stderr, StringComparison.Ordinal);
        Assert.Contains("--as <user id>", stderr, StringComparison.Ordinal);
        Assert.Equal(0, quoted); // an option-like word inside a quoted question is part of the question
        Assert.NotEqual(string.Empty, answer);
    }

    [Fact]
    public async Task Ask_SaysTheBookIsEmpty_InsteadOfReportingNoRisk_WhenTheAskerHasNoAccounts()
    {
        // The default user is the workspace's admin, who owns no accounts: "0 accounts checked; the highest risk is —" read
        // as an all-clear.
        (int exit, string stdout, _) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--now", SeededWorkspaceFixture.Today, "--json", "which of my accounts are at risk?");
        JsonNode answer = JsonNode.Parse(stdout)!;

        Assert.Equal(0, exit);
        Assert.Equal("churn.at_risk", (string?)answer["tool"]);
        Assert.Equal("You have no accounts in your book, so there is nothing to score. For the whole portfolio, ask \"which accounts are most likely to churn?\"", (string?)answer["reply"]);
    }

    [Fact]
    public async Task Ask_RejectsBadNow_WithAClearMessage()
    {
        (int exit, _, string stderr) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--now", "next tuesday", "help");

        Assert.Equal(2, exit);
        Assert.Contains("YYYY-MM-DD", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_ListsEveryRole_AsJson()
    {
        (int exit, string stdout, _) = await Cli.RunAsync("", "users", "--json", "--workspace", fixture.Directory);

        Assert.Equal(0, exit);
        JsonArray users = JsonNode.Parse(stdout)!.AsArray();
        var roles = users.Select(u => (string?)u!["role"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "csm", "manager", "approver", "admin" }, roles);
        Assert.Equal(12, users.Count(u => (string?)u!["role"] == "csm"));
        Assert.All(users.Where(u => (string?)u!["role"] == "csm"), u => Assert.False(string.IsNullOrEmpty((string?)u!["manager"])));
    }

    [Fact]
    public async Task Ask_RefusesUnknownActingUser()
    {
        (int exit, _, string stderr) = await Cli.RunAsync("", "ask", "--workspace", fixture.Directory, "--as", "nobody", "help");

        Assert.Equal(2, exit);
        Assert.Contains("copilot users", stderr, StringComparison.Ordinal);
    }
}
