using System.ComponentModel;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Alerts;

[Description("Proactive alerts about accounts: the caller's recent alerts, and dismissing a kind of alert for an account.")]
public sealed class AlertsPlugin(IAlertStore alerts, IAccountStore accounts, IAuditLog audit)
{
    [KernelFunction("dismiss")]
    [FunctionPolicy(HasSideEffects = true, ButtonOnly = true)]
    [Description("Stop alerting the caller about one kind of alert for one account (button only).")]
    public async Task<PluginResult> DismissAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id")] string? account = null,
        [Description("The alert kind, e.g. risk_jump")] string? trigger = null,
        CancellationToken cancellationToken = default)
    {
        if (account is null || trigger is null || !AlertTriggers.All.Contains(trigger))
        {
            return PluginResult.Refuse("That dismiss button is missing its account or alert kind; nothing changed.");
        }

        Account? a = await accounts.GetAsync(account, cancellationToken);
        if (a is null)
        {
            return PluginResult.Refuse($"I can't find account {account}.");
        }

        await alerts.DismissAsync(new AlertDismissal(caller.User.Id, trigger, a.Id, caller.Now), cancellationToken);
        await audit.AppendAsync(caller.User.Id, "alert.dismissed", a.Id, $"{{\"trigger\":\"{trigger}\"}}", caller.Now, cancellationToken);
        string text = $"Dismissed: '{AlertTriggers.Label(trigger)}' alerts for {a.Name} now go to your daily digest instead of a message.";
        return new PluginResult(text)
        {
            Cards = [new Card($"Dismissed: {a.Name}", [new CardText(text, Subtle: true)], [])],
            UpdatesCard = true,
            AccountsShown = [a.Id],
        };
    }

    [KernelFunction("list")]
    [Description("The caller's alerts from the last 7 days, newest first (type /alerts).")]
    public async Task<PluginResult> ListAsync([FromKernelServices] CallerContext caller, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Alert> mine = (await alerts.ListAsync(caller.User.Id, caller.Now.AddDays(-7), null, null, cancellationToken))
            .OrderByDescending(a => a.RaisedAt).ToList();
        var byId = new Dictionary<string, Account>(StringComparer.Ordinal);
        foreach (string id in mine.Select(a => a.AccountId).Distinct())
        {
            // Scope is checked again: an alert raised before an account changed hands must not show it to the old owner.
            if (await accounts.GetAsync(id, cancellationToken) is { } acc && caller.Scope.Allows(acc))
            {
                byId[id] = acc;
            }
        }

        mine = mine.Where(a => byId.ContainsKey(a.AccountId)).ToList();
        if (mine.Count == 0)
        {
            return new PluginResult("No alerts for you in the last 7 days.");
        }

        Card card = AlertCards.Digest(mine, byId, caller.Today) with { Title = $"Your alerts, last 7 days: {mine.Count}" };
        return new PluginResult($"{mine.Count} alert{(mine.Count == 1 ? string.Empty : "s")} in the last 7 days.")
        {
            Cards = [card],
            AccountsShown = byId.Keys.ToList(),
            Data = mine.Select(a => new { a.Trigger, account = a.AccountId, a.Summary, raised = a.RaisedAt, delivery = a.Delivery.ToString() }).ToList(),
        };
    }
}
