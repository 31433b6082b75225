using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests;

/// <summary>Runs the real `copilot` executable as a separate process, as the README's commands do.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ExecutableTests(SeededWorkspaceFixture fixture)
{
    [Fact]
    public async Task Executable_AnswersAskJson_InItsOwnProcess()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "copilot.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { dll, "ask", "--json", "--workspace", fixture.Directory, "--now", SeededWorkspaceFixture.Today, "which Platinum accounts are most likely to churn?" })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        JsonObject answer = JsonNode.Parse(stdout.Trim())!.AsObject();
        Assert.Equal("which Platinum accounts are most likely to churn?", (string?)answer["question"]);
        Assert.True(answer.ContainsKey("tool"));
    }
}
