using System.ComponentModel;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Crm;

[Description("Follow-up tasks in the CRM: create, list and complete.")]
public sealed class CrmPlugin(ICrmClient crm, IAccountStore accounts, IUserStore users)
{
    [KernelFunction("create_task")]
    [FunctionPolicy(HasSideEffects = true)]
    [Description("Create a follow-up task (call, email, meeting) for an account with a due date. Internal to-do; audited.")]
    public async Task<PluginResult> CreateTaskAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        [Description("What to do, e.g. 'Call Contoso about renewal'")] string? title = null,
        [Description("Due date, yyyy-MM-dd")] string? due = null,
        [Description("User id of the assignee; default: the caller")] string? assignee = null,
        CancellationToken cancellationToken = default)
    {
        (DateOnly? dueDate, string? error) = Format.ParseDate(due, "the due date");
        if (error is not null)
        {
            return PluginResult.Refuse(error);
        }

        Account? a = account is null ? null : await accounts.GetAsync(account, cancellationToken);
        if (account is not null && a is null)
        {
            return PluginResult.Refuse($"I can't find an account with id {account}.");
        }

        string assigneeId = caller.User.Id;
        if (!string.IsNullOrWhiteSpace(assignee) && !string.Equals(assignee, "me", StringComparison.OrdinalIgnoreCase))
        {
            User? u = await users.GetAsync(assignee, cancellationToken);
            if (u is null || (caller.Scope.OwnerIds is { } owners && !owners.Contains(u.Id)))
            {
                return PluginResult.Refuse($"I can't assign tasks to '{assignee}'. You can assign to yourself or, as a manager, to your team.");
            }

            assigneeId = u.Id;
        }

        string taskTitle = string.IsNullOrWhiteSpace(title) ? (a is null ? "Follow up" : $"Follow up with {a.Name}") : title.Trim();
        if (a is not null && !taskTitle.Contains(a.Name, StringComparison.OrdinalIgnoreCase) && taskTitle.Split(' ').Length <= 2)
        {
            taskTitle = $"{taskTitle} {a.Name}";
        }

        DateOnly dueOn = dueDate ?? caller.Today.AddDays(7);
        if (dueOn < caller.Today)
        {
            return PluginResult.Refuse($"{Format.Date(dueOn)} is in the past. When should it be due?");
        }

        CrmTask task = await crm.CreateTaskAsync(a?.Id, taskTitle, dueOn, assigneeId, caller.User.Id, caller.Now, cancellationToken);
        string owner = assigneeId == caller.User.Id ? "you" : (await users.GetAsync(assigneeId, cancellationToken))?.Name ?? assigneeId;
        var card = new Card(
            $"Task created: {task.Title}",
            [
                new CardFacts([("Task", task.Id), ("Account", a is null ? "—" : $"{a.Name} ({a.Id})"), ("Due", Format.Date(dueOn)), ("Owner", owner)]),
                new CardText(crm.DisplayName, Subtle: true),
            ],
            [
                new CardAction("Mark done", "crm.complete_task", new Dictionary<string, string> { ["task_id"] = task.Id }),
                new CardAction("My tasks", "crm.list_tasks", new Dictionary<string, string> { ["filter"] = "mine" }),
            ]);
        return new PluginResult($"Task created: {task.Title}, due {Format.Date(dueOn)}, owner {owner} ({task.Id}).")
        {
            Cards = [card],
            AccountsShown = a is null ? [] : [a.Id],
            Data = new { task.Id, task.Title, due = Format.Iso(dueOn), assignee = assigneeId, account = a?.Id },
        };
    }

    [KernelFunction("list_tasks")]
    [Description("List CRM tasks: mine, overdue, due this week, or for one account.")]
    public async Task<PluginResult> ListTasksAsync(
        [FromKernelServices] CallerContext caller,
        [Description("mine | overdue | due_this_week | open | all")] string? filter = null,
        [Description("Account id to list tasks for")] string? account = null,
        [Description("User id whose tasks to list (managers: a CSM on their team)")] string? owner = null,
        [Description("Only tasks due on or after this date, yyyy-MM-dd")] string? from = null,
        [Description("Only tasks due on or before this date, yyyy-MM-dd")] string? to = null,
        CancellationToken cancellationToken = default)
    {
        (DateOnly? dueFrom, string? e1) = Format.ParseDate(from, "the start date");
        (DateOnly? dueTo, string? e2) = Format.ParseDate(to, "the end date");
        if ((e1 ?? e2) is { } dateError)
        {
            return PluginResult.Refuse(dateError);
        }

        // A range that ends before today, with no start, is "overdue".
        string f = (filter ?? (dueTo < caller.Today && dueFrom is null ? "overdue" : "mine")).Trim().ToLowerInvariant().Replace(' ', '_');
        string? assignee = owner is null or "me" ? (account is null ? caller.User.Id : null) : owner;
        if (assignee is not null && caller.Scope.OwnerIds is { } owners && !owners.Contains(assignee))
        {
            return PluginResult.Refuse("You can only see your own tasks and, as a manager, your team's.");
        }

        TaskState? status = f == "all" ? null : TaskState.Open;
        IReadOnlyList<CrmTask> tasks = await crm.ListTasksAsync(assignee, account, status, cancellationToken);
        var visible = new List<CrmTask>();
        var names = new Dictionary<string, string>();
        // Each account once, however many of its tasks are listed.
        var looked = new Dictionary<string, Account?>(StringComparer.Ordinal);
        foreach (CrmTask t in tasks)
        {
            if (t.AccountId is { } id)
            {
                if (!looked.TryGetValue(id, out Account? a))
                {
                    looked[id] = a = await accounts.GetAsync(id, cancellationToken);
                }

                if (a is null || !caller.Scope.Allows(a))
                {
                    continue;
                }

                names[id] = a.Name;
            }
            else if (caller.Scope.OwnerIds is { } scope && (t.AssigneeId is null || !scope.Contains(t.AssigneeId)))
            {
                continue;
            }

            bool keep = f switch
            {
                "overdue" => t.DueDate < caller.Today,
                "due_this_week" or "this_week" or "week" => t.DueDate >= caller.Today && t.DueDate <= EndOfWeek(caller.Today),
                _ => true,
            } && (dueFrom is null || t.DueDate >= dueFrom) && (dueTo is null || f == "overdue" || t.DueDate <= dueTo);
            if (keep)
            {
                visible.Add(t);
            }
        }

        // The noun agrees with the count: "1 overdue task", "3 tasks due this week".
        string What(int n) => f switch
        {
            "overdue" => Quantity.Noun(n, "overdue task"),
            "due_this_week" or "this_week" or "week" => Quantity.Noun(n, "task") + " due this week",
            "all" => Quantity.Noun(n, "task"),
            _ => Quantity.Noun(n, "open task"),
        };
        string what = What(2);
        // People are shown by name, not by their user id.
        Dictionary<string, string> people = (await users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.Name, StringComparer.Ordinal);
        string whose = account is not null ? $" for {names.GetValueOrDefault(account, account)}" : assignee == caller.User.Id ? " (yours)" : assignee is null ? string.Empty : $" for {people.GetValueOrDefault(assignee, assignee)}";
        if (visible.Count == 0)
        {
            return new PluginResult($"No {what}{whose}.") { Data = new { count = 0 } };
        }

        var rows = visible.Take(25).Select(t => (IReadOnlyList<string>)
        [
            t.Id, t.DueDate is { } d ? Format.Date(d) + (d < caller.Today && t.Status == TaskState.Open ? " (overdue)" : string.Empty) : "—",
            t.AccountId is { } aid ? names.GetValueOrDefault(aid, aid) : "—", t.Title, t.AssigneeId is { } who ? people.GetValueOrDefault(who, who) : "—", t.Status == TaskState.Done ? "done" : "open",
        ]).ToList();
        var card = new Card(
            $"{visible.Count} {What(visible.Count)}{whose}",
            [new CardTable(["Task", "Due", "Account", "Title", "Owner", "Status"], rows), new CardText(crm.DisplayName, Subtle: true)],
            []);
        int overdue = visible.Count(t => t.DueDate < caller.Today && t.Status == TaskState.Open);
        return new PluginResult($"{visible.Count} {What(visible.Count)}{whose}" + (overdue > 0 && f != "overdue" ? $", {overdue} overdue." : "."))
        {
            Cards = [card],
            AccountsShown = visible.Where(t => t.AccountId is not null).Select(t => t.AccountId!).Distinct().ToList(),
            Data = visible.Take(25).Select(t => new { t.Id, t.Title, due = t.DueDate, account = t.AccountId, assignee = t.AssigneeId }).ToList(),
        };
    }

    [KernelFunction("complete_task")]
    [FunctionPolicy(HasSideEffects = true)]
    [Description("Mark a CRM task done, by task id or by account when it has exactly one open task.")]
    public async Task<PluginResult> CompleteTaskAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Task id, e.g. T42")] string? taskId = null,
        [Description("Account id, when the account has one open task")] string? account = null,
        CancellationToken cancellationToken = default)
    {
        CrmTask? task = null;
        if (!string.IsNullOrWhiteSpace(taskId))
        {
            task = await crm.GetTaskAsync(taskId.Trim(), cancellationToken);
            if (task is null)
            {
                return PluginResult.Refuse($"I can't find task {taskId}. Say \"my tasks\" to see their ids.");
            }
        }
        else if (account is not null)
        {
            var open = (await crm.ListTasksAsync(null, account, TaskState.Open, cancellationToken))
                .Where(t => caller.Scope.OwnerIds is null || (t.AssigneeId is { } a && caller.Scope.OwnerIds.Contains(a))).ToList();
            if (open.Count != 1)
            {
                return PluginResult.Refuse(open.Count == 0
                    ? "There is no open task of yours for that account."
                    : $"That account has {Quantity.Of(open.Count, "open task")} ({string.Join(", ", open.Select(t => t.Id))}); which one is done?");
            }

            task = open[0];
        }
        else
        {
            return PluginResult.Refuse("Which task? Give its id (e.g. T42) or the account.");
        }

        if (!await CanTouchAsync(caller, task, cancellationToken))
        {
            return PluginResult.Refuse("You can only complete your own tasks or your team's.");
        }

        if (task.Status == TaskState.Done)
        {
            return new PluginResult($"{task.Id} \"{task.Title}\" was already done.") { Data = new { task.Id, status = "done" } };
        }

        CrmTask done = (await crm.CompleteTaskAsync(task.Id, caller.Now, cancellationToken))!;
        return new PluginResult($"Done: {done.Id} \"{done.Title}\".") { Data = new { done.Id, status = "done" }, AccountsShown = done.AccountId is null ? [] : [done.AccountId] };
    }

    private async Task<bool> CanTouchAsync(CallerContext caller, CrmTask task, CancellationToken cancellationToken)
    {
        if (caller.Scope.OwnerIds is null || (task.AssigneeId is { } a && caller.Scope.OwnerIds.Contains(a)))
        {
            return true;
        }

        return task.AccountId is { } id && await accounts.GetAsync(id, cancellationToken) is { } acc && caller.Scope.Allows(acc);
    }

    private static DateOnly EndOfWeek(DateOnly today) => today.AddDays(((int)DayOfWeek.Sunday - (int)today.DayOfWeek + 7) % 7);
}
