using CopilotBot.Host.Cli;

namespace CopilotBot.Host.Tests;

/// <summary>Runs the `copilot` command line in-process with captured standard streams.</summary>
internal static class Cli
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CliApp.Build((_, _) => Task.FromResult(99), new StringReader(stdin), stdout, stderr)
            .Parse(args)
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
