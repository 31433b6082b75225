using System.CommandLine;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Growth.Planning;
using CopilotBot.Plugins.Reports;
using CopilotBot.Reports;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Cli;

/// <summary>
/// `copilot report account ID | portfolio [--format pdf|md] [--out FILE]`: an account plan or a portfolio summary as a
/// report for a QBR. The content is what the chat answers (the same kernel functions, called as the acting user, so
/// scope and audit apply), with the same charts.
/// </summary>
internal static class ReportCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var report = new Command("report", "Export an account plan or a portfolio summary as a PDF or Markdown report.");
        var format = new Option<string>("--format") { Description = "pdf (default) or md (Markdown with the charts as PNG files beside it).", DefaultValueFactory = _ => "pdf" };
        var output = new Option<string?>("--out") { Description = "The file to write (default: the workspace's reports folder); the extension follows --format." };
        var id = new Argument<string>("account") { Description = "The account's id, e.g. P10042." };
        var account = new Command("account", "The account's plan (retention, adoption and expansion) with its chart.");
        account.Arguments.Add(id);
        account.Options.Add(format);
        account.Options.Add(output);
        account.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            string kind = Kind(parse.GetValue(format));
            string accountId = parse.GetValue(id)!.Trim();
            CallerContext caller = await CallerAsync(runtime, ct);
            PluginResult plan = await InvokeAsync(runtime, "account.plan", new Dictionary<string, object?> { ["account"] = accountId }, caller, ct);
            if (plan.IsRefusal || plan.IsInvalidInput || plan.Cards.Count == 0)
            {
                await stderr.WriteLineAsync(plan.Text);
                return 1;
            }

            Account a = (await runtime.Workspace.Accounts.GetAsync(accountId, ct))!;
            ReportDocument document = AccountPlugin.Report(a, caller.Today, plan.Cards);
            return await WriteAsync(document, parse.GetValue(output), Path.Combine(runtime.Workspace.Directory, "reports", $"plan-{Safe(a.Id)}-{Iso(caller.Today)}"), kind, stdout);
        }));
        var portfolio = new Command("portfolio", "The portfolio summary: ARR at risk, expansion opportunities and the features that go with retention.");
        portfolio.Options.Add(format);
        portfolio.Options.Add(output);
        portfolio.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            string kind = Kind(parse.GetValue(format));
            CallerContext caller = await CallerAsync(runtime, ct);
            var cards = new List<Card>();
            var notes = new List<string>();
            foreach ((string function, Dictionary<string, object?> arguments) in new[]
            {
                ("portfolio.summary", new Dictionary<string, object?>()),
                ("expansion.opportunities", new Dictionary<string, object?>()),
                ("adoption.patterns", new Dictionary<string, object?> { ["question"] = "which features predict retention?" }),
            })
            {
                PluginResult result = await InvokeAsync(runtime, function, arguments, caller, ct);
                if (result.Cards.Count > 0 && !result.IsRefusal)
                {
                    cards.AddRange(result.Cards);
                }
                else
                {
                    notes.Add(result.Text); // e.g. no subscription history yet: the report says so instead of failing
                }
            }

            ReportDocument document = CardReport.Build(
                "Portfolio summary",
                $"As of {Iso(caller.Today)} · for {caller.User.Name}",
                cards,
                notes.Count > 0 ? string.Join(" ", notes) : "Made by CopilotBot from the workspace's data.");
            return await WriteAsync(document, parse.GetValue(output), Path.Combine(runtime.Workspace.Directory, "reports", $"portfolio-{Iso(caller.Today)}"), kind, stdout);
        }));
        report.Subcommands.Add(account);
        report.Subcommands.Add(portfolio);
        return report;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Safe(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static string Kind(string? format) => (format ?? "pdf").Trim().ToLowerInvariant() switch
    {
        "pdf" => "pdf",
        "md" or "markdown" => "md",
        _ => throw new WorkspaceException($"--format '{format}': use pdf or md."),
    };

    private static async Task<CallerContext> CallerAsync(CopilotRuntime runtime, CancellationToken ct)
    {
        User user = await runtime.ActingUserAsync(ct);
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        return new CallerContext(user, "cli", "cli-report", DateOnly.FromDateTime(now.UtcDateTime), now, await runtime.Policy.ScopeAsync(user, ct));
    }

    private static Task<PluginResult> InvokeAsync(CopilotRuntime runtime, string name, Dictionary<string, object?> arguments, CallerContext caller, CancellationToken ct) =>
        runtime.Kernel.InvokeForAsync(runtime.Kernel.Find(name)!, arguments, caller, InvocationSource.Router, ct);

    private static async Task<int> WriteAsync(ReportDocument document, string? output, string defaultPath, string kind, TextWriter stdout)
    {
        string target = output is { Length: > 0 } o ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(o))!, Path.GetFileNameWithoutExtension(o)) : defaultPath;
        string path = AccountPlugin.Write(document, target, kind);
        await stdout.WriteLineAsync($"Report written: {path} ({new FileInfo(path).Length:N0} bytes).");
        return 0;
    }
}
