using CopilotBot.Host.Cli;
using CopilotBot.Host.Web;

// One executable: with a command (ask, import, users, workspace) it is the `copilot` CLI;
// with none (or only options such as --urls) it serves the bot.
string[] cliArgs = CliApp.WithCommand(args);
return await CliApp.Build(WebHost.RunAsync, Console.In, Console.Out, Console.Error).Parse(cliArgs).InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });

/// <summary>Visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
