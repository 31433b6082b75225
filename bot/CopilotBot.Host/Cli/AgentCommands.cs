using System.CommandLine;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Cli;

/// <summary>`copilot agent run [--dry-run] | stop | start | status`: the intervention agent from the command line (admins).</summary>
internal static class AgentCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var agent = new Command("agent", "Run, stop or inspect the intervention agent (admins only).");
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what it would do; write nothing." };
        var run = new Command("run", "Run the agent once over accounts above the risk threshold.");
        run.Options.Add(dryRun);
        run.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            if (!await IsAdminAsync(runtime, stderr, ct))
            {
                return 2;
            }

            User user = await runtime.ActingUserAsync(ct);
            AgentRunReport report = await runtime.InterventionAgent.RunAsync(user.Id, runtime.Clock.GetUtcNow(), parse.GetValue(dryRun), ct);
            if (report.Stopped)
            {
                await stderr.WriteLineAsync("The agent is stopped (kill switch). Start it with `copilot agent start`.");
                return 1;
            }

            foreach (AgentDecision d in report.Decisions)
            {
                await stdout.WriteLineAsync($"{d.Risk.Account.Id,-8} {d.Risk.Account.Tier,-8} {d.Risk.Probability,6:P0} {AccountRisk.Badge(d.Risk.Urgency),-12} {d.Outcome}{(d.InterventionId is null ? string.Empty : " " + d.InterventionId)}{(d.Resumed ? " (finished after an interrupted run)" : string.Empty)}");
            }

            await stdout.WriteLineAsync(report.DryRun
                ? $"Dry run: {report.Decisions.Count} eligible; nothing written."
                : $"Acted on {report.Acted}, approval requested for {report.QueuedForApproval}, skipped {report.Decisions.Count - report.Acted - report.QueuedForApproval}.");
            return 0;
        }));
        agent.Subcommands.Add(run);
        agent.Subcommands.Add(Switch("stop", true, stdout, stderr, open));
        agent.Subcommands.Add(Switch("start", false, stdout, stderr, open));
        var status = new Command("status", "Show whether the agent is running, its limits and recent interventions.");
        status.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            bool stopped = await runtime.InterventionAgent.IsStoppedAsync(ct);
            DateTimeOffset now = runtime.Clock.GetUtcNow();
            var mine = (await runtime.Workspace.Interventions.ListAsync(null, ct)).Where(i => i.CreatedBy == AgentOptions.ActorId).ToList();
            AgentOptions o = await runtime.InterventionAgent.EffectiveOptionsAsync(ct);
            await stdout.WriteLineAsync($"Agent: {(stopped ? "stopped" : "enabled")}; threshold {o.RiskThreshold:P0}, at most {o.MaxPerHour}/hour, cooldown {Quantity.Of(o.CooldownDays, "day")}.");
            await stdout.WriteLineAsync($"Interventions by the agent: {mine.Count} in total, {mine.Count(i => i.CreatedAt > now.AddHours(-1) && i.Status != InterventionStatus.PendingApproval)} in the last hour, {mine.Count(i => i.Status == InterventionStatus.PendingApproval)} awaiting approval.");
            return 0;
        }));
        agent.Subcommands.Add(status);
        return agent;
    }

    private static Command Switch(string name, bool stop, TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var command = new Command(name, stop ? "Kill switch: the agent acts on nothing until started again." : "Allow the agent to act again.");
        command.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            if (!await IsAdminAsync(runtime, stderr, ct))
            {
                return 2;
            }

            User user = await runtime.ActingUserAsync(ct);
            await runtime.InterventionAgent.SetStoppedAsync(stop, user.Id, runtime.Clock.GetUtcNow(), ct);
            await stdout.WriteLineAsync(stop ? "Agent stopped." : "Agent started.");
            return 0;
        }));
        return command;
    }

    private static async Task<bool> IsAdminAsync(CopilotRuntime runtime, TextWriter stderr, CancellationToken ct)
    {
        User user = await runtime.ActingUserAsync(ct);
        if (user.Role == UserRole.Admin)
        {
            return true;
        }

        await stderr.WriteLineAsync($"error: only admins control the agent ({user.Id} is a {user.Role.ToString().ToLowerInvariant()}).");
        return false;
    }
}
