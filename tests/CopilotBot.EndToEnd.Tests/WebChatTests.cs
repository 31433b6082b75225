using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotBot.EndToEnd.Tests.Infrastructure;
using CopilotBot.Workspace;
using Xunit.Abstractions;

namespace CopilotBot.EndToEnd.Tests;

/// <summary>
/// The bot's local web chat page (Microsoft Bot Framework Web Chat over the bot's Direct Line 3.0 endpoint) in headless
/// Chromium, driven by js/webchat.js: pick a CSM in the user picker, ask for at-risk accounts, get the Adaptive Card as
/// Microsoft's renderer draws it, click its "Explain …" button and get the explanation, then ask for a forecast and see
/// its chart image load.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class WebChatTests(BotServer bot, ITestOutputHelper output)
{
    private const string Question = "which accounts are most at risk?";
    private const string ChartQuestion = "forecast churned ARR for the next 90 days";

    [Fact]
    public async Task WebChat_AnswersInTheCsmsScopeAndExplainsOnCardClick_WhenACsmIsPicked()
    {
        BrowserDriver.RequirePrerequisites();
        string artifacts = Artifacts.Fresh("webchat");
        output.WriteLine($"Artefacts (screenshots, report.json): {artifacts}; bot log: {bot.LogPath}");
        (string csm, IReadOnlyList<string> expected) = await CsmWithAtRiskAccountsAsync();

        DriverRun run = await BrowserDriver.RunAsync(
            "webchat.js",
            new JsonObject { ["bot"] = bot.BaseUrl.ToString(), ["out"] = artifacts, ["user"] = csm, ["question"] = Question, ["chartQuestion"] = ChartQuestion, ["timeoutMs"] = 90_000 },
            artifacts,
            TimeSpan.FromMinutes(4));
        output.WriteLine($"Driver finished in {run.Elapsed.TotalSeconds:F1} s (exit {run.ExitCode}); steps: {run.Report["steps"]?.ToJsonString()}");
        foreach (string screenshot in run.Screenshots)
        {
            output.WriteLine("Screenshot: " + screenshot);
        }

        Assert.True(run.Succeeded, "The Web Chat run " + run.Describe(artifacts) + "\nBot log tail:\n" + bot.Tail());
        Assert.True(run.Report["demoLabelVisible"]?.GetValue<bool>(), "The demo label should show on a demo workspace.");
        Assert.Contains(run.Report["pickerOptions"]!.AsArray(), o => (string?)o?["value"] == csm && (string?)o?["group"] == "CSM");
        Assert.NotEqual(csm, run.Text("initialUser"));
        Assert.Equal(csm, run.Text("user"));
        Assert.True(run.Report["userMessageShown"]?.GetValue<bool>(), "Web Chat should show the question as sent.");
        Assert.Equal(0, run.Report["sendFailed"]?.GetValue<int>());

        // The card is the CSM's book (as /api/ask answers for that user), and only accounts the CSM owns.
        string atRisk = run.Text("atRiskCard");
        Assert.Contains("Accounts at risk in your book", atRisk, StringComparison.Ordinal);
        CardText.AssertInOrder(expected, atRisk, "The at-risk card in Web Chat");
        using CopilotWorkspace workspace = bot.OpenWorkspace();
        foreach (string label in expected)
        {
            Assert.Equal(csm, (await workspace.Accounts.GetAsync(CardText.Split(label).Id))?.OwnerId);
        }

        (string firstName, _) = CardText.Split(expected[0]);
        Assert.Equal("Explain " + firstName, run.Text("clicked"));
        string explanation = run.Text("explainCard");
        Assert.Contains($"Why {firstName} is", explanation, StringComparison.Ordinal);
        // The owner is shown by name, not by user id (issue 16, section 6).
        string ownerName = (await workspace.Users.GetAsync(csm))!.Name;
        Assert.Contains(ownerName, explanation, StringComparison.Ordinal);
        Assert.Contains(" pts", explanation, StringComparison.Ordinal);
        Assert.Equal(0, run.Report["sendFailedAfterClick"]?.GetValue<int>());

        // The forecast's chart: an inline PNG that Microsoft's renderer shows as a loaded image, with its alt text.
        JsonObject chart = run.Report["chartImage"]!.AsObject();
        Assert.Equal(("data:image/png;base64,", 640, 320), ((string?)chart["scheme"], (int)chart["naturalWidth"]!, (int)chart["naturalHeight"]!));
        Assert.Contains("expected churned ARR", (string?)chart["alt"], StringComparison.Ordinal);

        Artifacts.AssertScreenshot(Path.Combine(artifacts, "01-at-risk-card.png"));
        Artifacts.AssertScreenshot(Path.Combine(artifacts, "02-explain-card.png"));
        Artifacts.AssertScreenshot(Path.Combine(artifacts, "03-forecast-chart.png"));
    }

    /// <summary>A CSM other than the page's default (the first one), with a few at-risk accounts in their book.</summary>
    private async Task<(string Csm, IReadOnlyList<string> Expected)> CsmWithAtRiskAccountsAsync()
    {
        JsonObject info = (await bot.Http.GetFromJsonAsync<JsonObject>(new Uri(bot.BaseUrl, "api/info")))!;
        List<string> csms = info["users"]!.AsArray().Where(u => (string?)u?["role"] == "csm").Select(u => (string)u!["id"]!).ToList();
        foreach (string csm in csms.Skip(1))
        {
            IReadOnlyList<string> labels = CardText.AccountLabels(await bot.AskAsync(Question, csm));
            if (labels.Count >= 3)
            {
                return (csm, labels.Take(5).ToList());
            }
        }

        throw new InvalidOperationException("No CSM in the demo workspace has three at-risk accounts.");
    }
}
