using System.ComponentModel;
using System.Globalization;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Churn;

[Description("Churn risk: who is likely to churn, how soon, and why.")]
public sealed class ChurnPlugin(IChurnRiskProvider risk, IAccountStore accounts, IUserStore users, IConversationStore conversations)
{
    public const double DefaultListThreshold = 0.3;

    [KernelFunction("at_risk")]
    [Description("List accounts most likely to churn, most urgent first, with risk, time-to-churn, ARR and the top driver. Filters are optional.")]
    public async Task<PluginResult> AtRiskAsync(
        [FromKernelServices] CallerContext caller,
        [Description("'me' for the caller's own book, or a CSM's user id or name")] string? owner = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Industry, e.g. Healthcare")] string? industry = null,
        [Description("Only accounts likely to churn within this many days: 7, 30 or 90")] int? horizonDays = null,
        [Description("How many accounts to list (default 10)")] int? top = null,
        [Description("Minimum churn probability 0–1 (default 0.3)")] double? threshold = null,
        CancellationToken cancellationToken = default)
    {
        string? ownerId = null;
        if (!string.IsNullOrWhiteSpace(owner))
        {
            ownerId = await ResolveOwnerAsync(caller, owner, cancellationToken);
            if (ownerId is null)
            {
                return PluginResult.Refuse($"I don't know a CSM called '{owner}'.");
            }

            if (caller.Scope.OwnerIds is { } visibleOwners && !visibleOwners.Contains(ownerId))
            {
                return PluginResult.Refuse("You can only see your own book and, as a manager, your team's.");
            }
        }

        (Tier? tierFilter, string? tierError) = Format.ParseTier(tier);
        (Region? regionFilter, string? regionError) = Format.ParseRegion(region);
        if ((tierError ?? regionError) is { } segmentError)
        {
            return PluginResult.Refuse(segmentError);
        }

        int count = Math.Clamp(top ?? 10, 1, 50);
        double minimum = Math.Clamp(threshold ?? DefaultListThreshold, 0, 1);
        Urgency? within = horizonDays switch
        {
            null => null,
            <= 7 => Urgency.Within7Days,
            <= 30 => Urgency.Within30Days,
            <= 90 => Urgency.Within90Days,
            _ => Urgency.Later,
        };

        IReadOnlyList<AccountRisk> all = await risk.ScoreAsync(cancellationToken);
        var matching = all.Where(r => caller.Scope.Allows(r.Account)
                && (ownerId is null || r.Account.OwnerId == ownerId)
                && (tierFilter is null || r.Account.Tier == tierFilter)
                && (regionFilter is null || r.Account.Region == regionFilter)
                && (industry is null || string.Equals(r.Account.Industry, industry, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var atRisk = matching
            .Where(r => r.Probability >= minimum && (within is null || r.Urgency <= within))
            .OrderBy(r => r.Urgency)
            .ThenByDescending(r => r.ArrAtRisk)
            .ToList();
        string scope = DescribeScope(caller, ownerId, tierFilter, regionFilter, industry, horizonDays);
        int aboveThreshold = atRisk.Count;
        if (threshold is null && atRisk.Count < count)
        {
            // "Who is most likely to churn?" deserves the top of the list even when few cross the threshold:
            // fill up with the next most likely accounts, shown after the ones above it.
            atRisk.AddRange(matching.Where(r => r.Probability < minimum && r.Probability >= 0.1 && (within is null || r.Urgency <= within))
                .OrderByDescending(r => r.Probability).Take(count - atRisk.Count));
        }

        if (matching.Count == 0)
        {
            // Nothing to score is not "no risk": say whose book is empty, and where an admin's accounts are.
            string none = ownerId == caller.User.Id ? "You have no accounts in your book" : $"I found no accounts {scope}".TrimEnd();
            string hint = caller.Scope.OwnerIds is null && ownerId is not null ? " For the whole portfolio, ask \"which accounts are most likely to churn?\"" : string.Empty;
            return new PluginResult($"{none}, so there is nothing to score.{hint}")
            {
                Data = new { count = 0, checked_accounts = 0 },
            };
        }

        if (atRisk.Count == 0)
        {
            return new PluginResult($"No accounts {scope} are above {Format.Percent(minimum)} churn risk. " +
                $"{Quantity.Of(matching.Count, "account")} checked; the highest risk is {Format.Risk(matching.Max(m => m.Probability))}.")
            {
                Data = new { count = 0, checked_accounts = matching.Count },
            };
        }

        var shown = atRisk.Take(count).ToList();
        var rows = shown.Select((r, i) => (IReadOnlyList<string>)
        [
            (i + 1).ToString(CultureInfo.InvariantCulture), $"{r.Account.Name} ({r.Account.Id})", Format.Risk(r.Probability),
            AccountRisk.Badge(r.Urgency), Format.Money(r.Account.Arr), r.TopDriver?.Text ?? "—",
        ]).ToList();
        AccountRisk first = shown[0];
        double arrAtRisk = atRisk.Sum(r => r.ArrAtRisk);
        var card = new Card(
            $"Accounts at risk {scope}",
            [
                new CardText($"{aboveThreshold} account{(aboveThreshold == 1 ? string.Empty : "s")} above {Format.Percent(minimum)} risk" +
                    (atRisk.Count > aboveThreshold ? $" (and the next {atRisk.Count - aboveThreshold} most likely)" : string.Empty) +
                    $" · expected ARR at risk {Format.Money(arrAtRisk)} · most urgent first"),
                new CardTable(["#", "Account", "Risk", "Urgency", "ARR", "Top driver"], rows),
                new CardText("Risk = probability of churning within 90 days; urgency = when, if it does. Ask \"why is the second one red?\" for details.", Subtle: true),
            ],
            [
                new CardAction($"Explain {first.Account.Name}", "churn.explain", new Dictionary<string, string> { ["account"] = first.Account.Id }),
                new CardAction("Draft email", "interventions.draft", new Dictionary<string, string> { ["account"] = first.Account.Id }),
                new CardAction("Create task", "crm.create_task", new Dictionary<string, string> { ["account"] = first.Account.Id, ["title"] = $"Call {first.Account.Name}" }),
            ])
        { FallbackText = $"{Quantity.Of(atRisk.Count, "account")} at risk {scope}" };
        string text = (aboveThreshold == 0
                ? $"No account {scope} is above {Format.Percent(minimum)} churn risk; these are the most likely. "
                : $"{aboveThreshold} account{(aboveThreshold == 1 ? " is" : "s are")} at risk {scope} (expected ARR at risk {Format.Money(arrAtRisk)}). ") +
            $"Most urgent: {first.Account.Name} ({first.Account.Id}), {Format.Risk(first.Probability)}, {AccountRisk.Badge(first.Urgency)}, " +
            $"{Format.Money(first.Account.Arr)} ARR" + (first.TopDriver is { } d ? $" — {d.Text}." : ".");
        return new PluginResult(text)
        {
            Cards = [card],
            AccountsShown = shown.Select(r => r.Account.Id).ToList(),
            Data = shown.Select(r => new
            {
                account = r.Account.Id,
                name = r.Account.Name,
                risk = Math.Round(r.Probability, 3),
                urgency = r.Urgency.ToString(),
                arr = r.Account.Arr,
                top_driver = r.TopDriver?.Text,
            }).ToList(),
        };
    }

    [KernelFunction("explain")]
    [Description("Explain one account's churn risk: the drivers pushing it up and down, in words with their weight, and the support conversations that matter.")]
    public async Task<PluginResult> ExplainAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return PluginResult.Refuse("Which account? Give its name or id, e.g. \"why is P10342 at risk?\"");
        }

        Account? a = await accounts.GetAsync(account, cancellationToken);
        if (a is null)
        {
            return PluginResult.Refuse($"I can't find an account with id {account}.");
        }

        if (a.Status == AccountStatus.Churned)
        {
            return new PluginResult($"{a.Name} ({a.Id}) already churned{(a.ChurnedOn is { } d ? " on " + Format.Iso(d) : string.Empty)}.") { AccountsShown = [a.Id] };
        }

        AccountRisk? r = await risk.ExplainAsync(a.Id, cancellationToken);
        if (r is null)
        {
            return PluginResult.Refuse($"I have no risk score for {a.Name} yet (no usage or history on record).");
        }

        var up = r.Drivers.Where(d => d.Points > 0).Take(4).ToList();
        var down = r.Drivers.Where(d => d.Points < 0).Take(3).ToList();
        // People are shown by name, not by their user id.
        string ownerName = a.OwnerId is null ? "—" : (await users.GetAsync(a.OwnerId, cancellationToken))?.Name ?? a.OwnerId;
        var from = new DateTimeOffset(caller.Today.AddDays(-90).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var tickets = (await conversations.ListAsync(a.Id, from, null, cancellationToken))
            .OrderBy(c => c.Sentiment ?? 0).ThenByDescending(c => c.StartedAt).Take(3).ToList();
        var evidence = new List<Evidence>();
        foreach (SupportConversation c in tickets)
        {
            IReadOnlyList<ConversationTurn> turns = await conversations.GetTurnsAsync(c.Id, cancellationToken);
            string snippet = turns.FirstOrDefault(t => t.Speaker == Speaker.Customer)?.Text ?? c.Subject ?? string.Empty;
            evidence.Add(new Evidence(c.Id, c.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), a.Id, snippet.Length > 160 ? snippet[..157] + "…" : snippet));
        }

        // The colour is the dot's (urgency), never a second scale: "is orange" next to 🟠.
        string text = $"{a.Name} ({a.Id}) is {AccountRisk.Colour(r.Urgency)} ({AccountRisk.Badge(r.Urgency)}): {Format.Risk(r.Probability)} churn risk within 90 days. " +
            (up.Count > 0 ? "Pushing risk up: " + string.Join("; ", up.Select(DriverText.WithPoints)) + ". " : string.Empty) +
            (down.Count > 0 ? "Holding it down: " + string.Join("; ", down.Select(DriverText.WithPoints)) + "." : string.Empty);
        var body = new List<CardElement>
        {
            new CardFacts([
                ("Risk (90 days)", Format.Risk(r.Probability)), ("Urgency", AccountRisk.Badge(r.Urgency)),
                ("ARR", Format.Money(a.Arr)), ("Tier", a.Tier.ToString()), ("Owner", ownerName),
                ("Renewal", a.RenewalDate is { } rd ? Format.Iso(rd) : "—"),
            ]),
        };
        if (up.Count > 0)
        {
            body.Add(new CardText("Raising risk", Emphasis: true));
            body.Add(new CardTable(["Driver", "Weight"], up.Select(d => (IReadOnlyList<string>)[d.Text, DriverText.Signed(d.Points)]).ToList()));
        }

        if (down.Count > 0)
        {
            body.Add(new CardText("Lowering risk", Emphasis: true));
            body.Add(new CardTable(["Driver", "Weight"], down.Select(d => (IReadOnlyList<string>)[d.Text, DriverText.Signed(d.Points)]).ToList()));
        }

        if (evidence.Count > 0)
        {
            body.Add(new CardText("Support conversations that matter", Emphasis: true));
            body.Add(new CardTable(["Conversation", "Date", "Customer said"], evidence.Select(e => (IReadOnlyList<string>)[e.Id, e.Date, e.Snippet]).ToList()));
        }

        var card = new Card(
            $"Why {a.Name} is {AccountRisk.Colour(r.Urgency)}",
            body,
            [
                new CardAction("Draft email", "interventions.draft", new Dictionary<string, string> { ["account"] = a.Id }),
                new CardAction("Create task", "crm.create_task", new Dictionary<string, string> { ["account"] = a.Id, ["title"] = $"Call {a.Name}" }),
            ])
        { FallbackText = text };
        return new PluginResult(text)
        {
            Cards = [card],
            Evidence = evidence,
            AccountsShown = [a.Id],
            Data = new
            {
                account = a.Id,
                risk = Math.Round(r.Probability, 3),
                urgency = r.Urgency.ToString(),
                raising = up.Select(d => new { d.Text, points = Math.Round(d.Points, 1) }),
                lowering = down.Select(d => new { d.Text, points = Math.Round(d.Points, 1) }),
            },
        };
    }

    private async Task<string?> ResolveOwnerAsync(CallerContext caller, string owner, CancellationToken cancellationToken)
    {
        if (owner.Equals("me", StringComparison.OrdinalIgnoreCase) || owner.Equals("my", StringComparison.OrdinalIgnoreCase))
        {
            return caller.User.Id;
        }

        if (await users.GetAsync(owner, cancellationToken) is { } byId)
        {
            return byId.Id;
        }

        IReadOnlyList<User> all = await users.ListAsync(cancellationToken);
        return all.FirstOrDefault(u => u.Name.Equals(owner, StringComparison.OrdinalIgnoreCase)
            || u.Name.Split(' ')[0].Equals(owner, StringComparison.OrdinalIgnoreCase))?.Id;
    }

    private static string DescribeScope(CallerContext caller, string? ownerId, Tier? tier, Region? region, string? industry, int? horizon)
    {
        var parts = new List<string>();
        if (ownerId == caller.User.Id)
        {
            parts.Add("in your book");
        }
        else if (ownerId is not null)
        {
            parts.Add($"in {ownerId}'s book");
        }
        else if (caller.Scope.OwnerIds is { Count: 1 })
        {
            parts.Add("in your book");
        }
        else if (caller.Scope.OwnerIds is not null)
        {
            parts.Add("in your team");
        }

        if (tier is not null)
        {
            parts.Add($"among {tier} accounts");
        }

        if (region is not null)
        {
            parts.Add($"in {region}");
        }

        if (industry is not null)
        {
            parts.Add($"in {industry}");
        }

        if (horizon is not null)
        {
            parts.Add($"likely to churn within {horizon} days");
        }

        return parts.Count == 0 ? "across the portfolio" : string.Join(" ", parts);
    }
}
