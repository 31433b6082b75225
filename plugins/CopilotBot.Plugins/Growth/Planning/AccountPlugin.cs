using System.ComponentModel;
using CopilotBot.Conversation.Cards;
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
public sealed class AccountPlugin(AccountPlanner planner, IAccountStore accounts, IUserStore users)
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
        Card card = await CardAsync(plan, cancellationToken);
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

    /// <summary>The plan in words: the summary, then the steps.</summary>
    public static string Text(AccountPlan plan) =>
        plan.Summary + (plan.Steps.Count == 0 ? string.Empty :
            " Steps: " + string.Join(" ", plan.Steps.Select((s, i) => $"{i + 1}. {s.Title} ({s.Track.ToString().ToLowerInvariant()}, by {Format.Iso(s.Due)})."))) +
        " Sources: " + string.Join("; ", plan.Evidence.Values.Select(e => $"[{e.Id}] {e.Text}")) + ".";

    private async Task<Card> CardAsync(AccountPlan plan, CancellationToken cancellationToken)
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
