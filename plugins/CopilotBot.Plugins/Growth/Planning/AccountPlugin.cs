using System.ComponentModel;
using System.Globalization;
using CopilotBot.Charts;
using CopilotBot.Conversation.Cards;
using CopilotBot.Plugins.Reports;
using CopilotBot.Reports;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Growth.Planning;

/// <summary>
/// One plan per account that weighs retention, adoption and expansion together (<see cref="AccountPlanner"/>), and the
/// button that turns its steps into CRM tasks through <c>crm.create_task</c>.
/// </summary>
[Description("Account plans: one ranked plan per account from the retention, adoption and expansion specialists, with owners, dates and the data behind every step.")]
/// <param name="reportsDirectory">Where exported plans are written (the workspace's <c>reports</c> folder); null: no export.</param>
public sealed class AccountPlugin(AccountPlanner planner, IAccountStore accounts, IUserStore users, GrowthService? growth = null, string? reportsDirectory = null)
{
    public const string CreateTasksVerb = "account.create_plan_tasks";

    public const string ExportVerb = "account.export_plan";

    [KernelFunction("plan")]
    [Description("Build one account plan for an account (for a QBR or a weekly review): the retention, adoption and expansion specialists' findings merged into ranked steps with owners and due dates, each citing the data it stands on.")]
    public async Task<PluginResult> PlanAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        CancellationToken cancellationToken = default)
    {
        (Account? a, PluginResult? refusal) = await FindAsync(account, cancellationToken);
        if (a is null)
        {
            return refusal!;
        }

        AccountPlan plan = await planner.PlanAsync(a, caller.Today, cancellationToken);
        Card card = await CardAsync(plan, await SeatChartAsync(a, caller.Today, cancellationToken), cancellationToken);
        return new PluginResult(Text(plan))
        {
            Cards = [card],
            AccountsShown = [a.Id],
            Data = new
            {
                account = a.Id,
                summary = plan.Summary,
                steps = plan.Steps.Select(s => new { track = s.Track.ToString().ToLowerInvariant(), s.Title, why = s.Why, owner = s.OwnerId, due = Format.Iso(s.Due), cites = s.Cites }),
                evidence = plan.Evidence.Values.Select(e => new { e.Id, e.Source, e.Text }),
                specialists = plan.Specialists.Select(f => new { track = f.Track.ToString().ToLowerInvariant(), f.Headline, f.Holds, f.Reasoning }),
            },
        };
    }

    [KernelFunction("create_plan_tasks")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true)]
    [Description("Create a CRM task for each step of an account's plan (through crm.create_task).")]
    public async Task<PluginResult> CreatePlanTasksAsync(
        Kernel kernel,
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        CancellationToken cancellationToken = default)
    {
        (Account? a, PluginResult? refusal) = await FindAsync(account, cancellationToken);
        if (a is null)
        {
            return refusal!;
        }

        if (kernel.Find("crm.create_task") is not { } createTask)
        {
            return PluginResult.Refuse("Tasks can't be created here: the CRM is not available.");
        }

        AccountPlan plan = await planner.PlanAsync(a, caller.Today, cancellationToken);
        if (plan.Steps.Count == 0)
        {
            return new PluginResult($"{a.Name}'s plan has no steps, so no tasks were created.");
        }

        var created = new List<string>();
        var failed = new List<string>();
        foreach (PlanStep step in plan.Steps)
        {
            // Each task goes through crm.create_task and its filters (scope, audit), exactly as if asked for one by one;
            // a step owned by someone the caller may not assign to falls back to the caller.
            var arguments = new KernelArguments
            {
                ["account"] = a.Id,
                ["title"] = step.Title,
                ["due"] = Format.Iso(step.Due),
                ["assignee"] = step.OwnerId is { } owner && (caller.Scope.OwnerIds is null || caller.Scope.OwnerIds.Contains(owner)) ? owner : "me",
            };
            PluginResult result = CopilotKernel.ResultOf(await kernel.InvokeAsync(createTask, arguments, cancellationToken));
            (result.IsRefusal || result.IsInvalidInput ? failed : created).Add(result.IsRefusal || result.IsInvalidInput ? $"{step.Title}: {result.Text}" : result.Text);
        }

        string text = $"Created {Quantity.Of(created.Count, "task")} from {a.Name}'s plan." +
            (failed.Count > 0 ? $" {Quantity.Of(failed.Count, "step")} could not be created: " + string.Join(" ", failed) : string.Empty);
        var card = new Card(
            $"Tasks from {a.Name}'s plan",
            [
                new CardTable(["Task", "Due", "Owner"], plan.Steps.Select(s => (IReadOnlyList<string>)[s.Title, Format.Iso(s.Due), s.OwnerId ?? "—"]).ToList()),
                new CardText(text, Subtle: true),
            ],
            [new CardAction("My tasks", "crm.list_tasks", new Dictionary<string, string> { ["filter"] = "mine" })]);
        return new PluginResult(text) { Cards = [card], AccountsShown = [a.Id], Data = new { account = a.Id, created = created.Count, failed = failed.Count } };
    }

    [KernelFunction("export_plan")]
    [FunctionPolicy(ButtonOnly = true)]
    [Description("Export an account's plan as a PDF or Markdown report (for a QBR), with its chart.")]
    public async Task<PluginResult> ExportPlanAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        [Description("pdf | md (default pdf)")] string? format = null,
        CancellationToken cancellationToken = default)
    {
        if (reportsDirectory is null)
        {
            return PluginResult.Refuse("Reports can't be saved here. On the command line: copilot report account <id> --format pdf.");
        }

        string kind = (format ?? "pdf").Trim().ToLowerInvariant();
        if (kind is not ("pdf" or "md" or "markdown"))
        {
            return PluginResult.Refuse($"'{format}' is not a report format: use pdf or md.");
        }

        (Account? a, PluginResult? refusal) = await FindAsync(account, cancellationToken);
        if (a is null)
        {
            return refusal!;
        }

        ReportDocument report = await ReportAsync(a, caller.Today, cancellationToken);
        string path = Write(report, Path.Combine(reportsDirectory, $"plan-{Safe(a.Id)}-{Format.Iso(caller.Today)}"), kind);
        string text = $"Saved {a.Name}'s account plan as {(kind == "pdf" ? "PDF" : "Markdown")}: {path}";
        return new PluginResult(text) { AccountsShown = [a.Id], Data = new { account = a.Id, path, format = kind == "pdf" ? "pdf" : "md" } };
    }

    /// <summary>The account's plan as a report: the plan card (with the seat chart) as the chat shows it.</summary>
    public async Task<ReportDocument> ReportAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        AccountPlan plan = await planner.PlanAsync(account, today, cancellationToken);
        Card card = await CardAsync(plan, await SeatChartAsync(account, today, cancellationToken), cancellationToken);
        return Report(account, today, [card]);
    }

    /// <summary>The report of an account's plan from the plan's cards (as <c>account.plan</c> answered them).</summary>
    public static ReportDocument Report(Account account, DateOnly today, IEnumerable<Card> planCards) =>
        CardReport.Build($"Account plan: {account.Name} ({account.Id})", $"As of {Format.Iso(today)} · {account.Tier} · {Format.Money(account.Arr)} ARR",
            planCards.Select(c => c with { Title = "Plan" }), "Made by CopilotBot from the workspace's data; every step cites the facts it stands on (ids in the Sources column).");

    /// <summary>Writes a report as PDF (<c>path.pdf</c>) or Markdown (<c>path.md</c> with its PNGs beside it); returns the file written.</summary>
    public static string Write(ReportDocument report, string pathWithoutExtension, string format)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension))!);
        if (format == "pdf")
        {
            string pdf = pathWithoutExtension + ".pdf";
            PdfReportWriter.Write(report).WriteTo(pdf);
            return pdf;
        }

        string md = pathWithoutExtension + ".md";
        MarkdownReportWriter.Write(report, Path.GetFileName(pathWithoutExtension)).WriteTo(md);
        return md;
    }

    private static string Safe(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    /// <summary>Active users against the seats in force, month by month over the last year; null without usage.</summary>
    private async Task<CardChart?> SeatChartAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        if (growth is null)
        {
            return null;
        }

        GrowthData data = await growth.DataAsync(cancellationToken);
        var usage = data.Usage.Where(u => u.AccountId == account.Id && u.Month < new DateOnly(today.Year, today.Month, 1)).OrderBy(u => u.Month).TakeLast(12).ToList();
        if (usage.Count < 2)
        {
            return null;
        }

        var subscriptions = data.Subscriptions.Where(s => s.AccountId == account.Id).ToList();
        var seats = usage.Select(u => (double)(SubscriptionHistory.AsOf(subscriptions, u.Month.AddMonths(1).AddDays(-1))?.Seats ?? account.Seats ?? 0)).ToList();
        var series = new List<ChartSeries> { new("Active users", usage.Select(u => (double)u.ActiveUsers).ToList()) };
        if (seats.Any(x => x > 0))
        {
            series.Add(new ChartSeries("Seats bought", seats) { Dashed = true });
        }

        var labels = usage.Select(u => u.Month.ToString("MMM yy", CultureInfo.InvariantCulture)).ToList();
        var spec = new ChartSpec(ChartKind.Line, "Active users and seats, last 12 months", labels, series);
        string alt = $"Line chart of {account.Name}'s active users" + (seats.Any(x => x > 0) ? " against the seats bought" : string.Empty) + " by month: " +
            string.Join("; ", usage.Select((u, i) => $"{labels[i]} {u.ActiveUsers}" + (seats[i] > 0 ? $" of {seats[i]:0}" : string.Empty))) + ".";
        return new CardChart(spec, alt);
    }

    /// <summary>The plan in words: the summary, then the steps.</summary>
    public static string Text(AccountPlan plan) =>
        plan.Summary + (plan.Steps.Count == 0 ? string.Empty :
            " Steps: " + string.Join(" ", plan.Steps.Select((s, i) => $"{i + 1}. {s.Title} ({s.Track.ToString().ToLowerInvariant()}, by {Format.Iso(s.Due)})."))) +
        " Sources: " + string.Join("; ", plan.Evidence.Values.Select(e => $"[{e.Id}] {e.Text}")) + ".";

    private async Task<Card> CardAsync(AccountPlan plan, CardChart? seatChart, CancellationToken cancellationToken)
    {
        Account a = plan.Account;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string id in plan.Steps.Select(s => s.OwnerId).OfType<string>().Append(a.OwnerId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            names[id] = (await users.GetAsync(id, cancellationToken))?.Name ?? id;
        }

        var body = new List<CardElement>
        {
            new CardFacts([
                ("ARR", Format.Money(a.Arr)), ("Tier", a.Tier.ToString()), ("Industry", a.Industry),
                ("Owner", a.OwnerId is { } o ? names.GetValueOrDefault(o, o) : "—"),
                ("Renewal", a.RenewalDate is { } r ? Format.Iso(r) : "—"),
            ]),
            new CardText(plan.Summary),
        };
        if (plan.Steps.Count > 0)
        {
            body.Add(new CardText("Steps", Emphasis: true));
            body.Add(new CardTable(["#", "Step", "Track", "Owner", "Due", "Sources"], plan.Steps.Select((s, i) => (IReadOnlyList<string>)
            [
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), s.Title, s.Track.ToString(),
                s.OwnerId is { } owner ? names.GetValueOrDefault(owner, owner) : "—", Format.Iso(s.Due), string.Join(", ", s.Cites),
            ]).ToList()));
        }

        foreach (SpecialistFindings f in plan.Specialists)
        {
            body.Add(new CardText($"{f.Track} specialist", Emphasis: true));
            body.Add(new CardText(f.Headline));
            foreach (string hold in f.Holds)
            {
                body.Add(new CardText(hold, Subtle: true));
            }

            if (f.Reasoning is { } reasoning)
            {
                body.Add(new CardText(reasoning, Subtle: true));
            }
        }

        if (seatChart is not null)
        {
            body.Add(seatChart);
        }

        if (plan.Evidence.Count > 0)
        {
            body.Add(new CardText("Where each claim comes from", Emphasis: true));
            body.Add(new CardTable(["Id", "Fact", "Source"], plan.Evidence.Values.Select(e => (IReadOnlyList<string>)[e.Id, e.Text, e.Source]).ToList()));
        }

        var actions = new List<CardAction>();
        var data = new Dictionary<string, string> { ["account"] = a.Id };
        if (plan.Steps.Count > 0)
        {
            actions.Add(new CardAction($"Create {Quantity.Of(plan.Steps.Count, "task")}", CreateTasksVerb, data, "positive"));
        }

        actions.Add(new CardAction("Draft email", "interventions.draft", data));
        if (reportsDirectory is not null)
        {
            actions.Add(new CardAction("Export PDF", ExportVerb, new Dictionary<string, string> { ["account"] = a.Id, ["format"] = "pdf" }));
        }
        return new Card($"Account plan: {a.Name} ({a.Id})", body, actions) { FallbackText = Text(plan) };
    }

    private async Task<(Account? Account, PluginResult? Refusal)> FindAsync(string? account, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return (null, PluginResult.Refuse("Which account? Give its name or id, e.g. \"give me a plan for P10342\"."));
        }

        Account? a = await accounts.GetAsync(account.Trim(), cancellationToken);
        if (a is null)
        {
            return (null, PluginResult.Refuse($"I can't find an account with id {account}."));
        }

        if (a.Status == AccountStatus.Churned)
        {
            return (null, PluginResult.Refuse($"{a.Name} ({a.Id}) already churned{(a.ChurnedOn is { } d ? " on " + Format.Iso(d) : string.Empty)}; there is no plan to make. Ask \"why did it churn?\" or look at similar accounts."));
        }

        return (a, null);
    }
}
