using System.ComponentModel;
using System.Globalization;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Renewals;

/// <summary>
/// Upcoming renewals: the README's worked example of adding a plugin. A class with a <c>[KernelFunction]</c>, registered
/// in one line (<see cref="CopilotKernel.CreatePlugin"/>): a model can call it at once, the embedded router learns it from
/// its <see cref="UtteranceAttribute"/>s at start-up, and scope and audit apply through the kernel's filters.
/// </summary>
[Description("Renewals: which accounts renew soon, with their ARR and churn risk.")]
public sealed class RenewalsPlugin(IAccountStore accounts, IChurnRiskProvider risk)
{
    public const int DefaultDays = 90;

    [KernelFunction("upcoming")]
    [Description("List accounts whose contract renews within the next days (default 90), soonest first, with ARR and churn risk.")]
    [Utterance("which renewals are coming up in the next 60 days?")]
    [Utterance("upcoming renewals")]
    [Utterance("show me upcoming renewals in EMEA")]
    [Utterance("who renews this quarter?")]
    [Utterance("accounts renewing soon")]
    [Utterance("list Platinum renewals due in the next 90 days")]
    [Utterance("what contracts are up for renewal next month?")]
    [Utterance("renewal calendar for my book")]
    [Utterance("which of my accounts renew before the end of the year")]
    [Utterance("renewals coming due")]
    public async Task<PluginResult> UpcomingAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("How many days ahead to look (default 90)")] int? horizonDays = null,
        CancellationToken cancellationToken = default)
    {
        (Tier? tierFilter, string? tierError) = Format.ParseTier(tier);
        (Region? regionFilter, string? regionError) = Format.ParseRegion(region);
        if ((tierError ?? regionError) is { } error)
        {
            return PluginResult.Refuse(error);
        }

        int days = Math.Clamp(horizonDays ?? DefaultDays, 1, 730);
        DateOnly until = caller.Today.AddDays(days);
        IReadOnlyList<Account> active = await accounts.ListAsync(new AccountQuery(caller.Scope.OwnerIds, tierFilter, regionFilter), cancellationToken);
        var renewing = active
            .Where(a => caller.Scope.Allows(a) && a.RenewalDate is { } r && r >= caller.Today && r <= until)
            .OrderBy(a => a.RenewalDate)
            .ThenByDescending(a => a.Arr)
            .ToList();
        string segment = string.Join(" ", new[] { tierFilter?.ToString(), regionFilter?.ToString() }.Where(s => s is not null));
        string what = (segment.Length > 0 ? segment + " renewals" : "Renewals") + $" in the next {days} days";
        if (renewing.Count == 0)
        {
            return new PluginResult($"{what}: none in your view.") { Data = new { days, count = 0 } };
        }

        var byId = (await risk.ScoreAsync(cancellationToken)).ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
        decimal arr = renewing.Sum(a => a.Arr);
        var shown = renewing.Take(20).ToList();
        var rows = shown.Select(a => (IReadOnlyList<string>)
        [
            a.Name,
            a.Id,
            Format.Iso(a.RenewalDate!.Value),
            Format.Money(a.Arr),
            byId.TryGetValue(a.Id, out AccountRisk? r) ? Format.Percent(r.Probability) : "–",
        ]).ToList();
        string summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: {renewing.Count} {(renewing.Count == 1 ? "account" : "accounts")}, {Format.Money(arr)} ARR. The first is {shown[0].Name} on {Format.Iso(shown[0].RenewalDate!.Value)}.");
        var card = new Card(what, [new CardText(summary), new CardTable(["Account", "Id", "Renews", "ARR", "Churn risk"], rows)], [])
        {
            FallbackText = summary,
        };
        return new PluginResult(summary)
        {
            Cards = [card],
            AccountsShown = shown.Select(a => a.Id).ToList(),
            Data = new
            {
                days,
                count = renewing.Count,
                arr,
                accounts = shown.Select(a => new { id = a.Id, name = a.Name, renews = Format.Iso(a.RenewalDate!.Value), arr = a.Arr, risk = byId.TryGetValue(a.Id, out AccountRisk? r) ? Math.Round(r.Probability, 3) : (double?)null }),
            },
        };
    }
}
