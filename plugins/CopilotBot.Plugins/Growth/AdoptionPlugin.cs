using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// Adoption: what each account should adopt next, learnt from the paths of similar accounts that did well, and the
/// portfolio's patterns (what comes after a feature, which features go with retention).
/// </summary>
[Description("Feature adoption: next features per account with peer evidence and an enablement email, and portfolio adoption patterns.")]
public sealed partial class AdoptionPlugin(GrowthService growth, IAccountStore accounts)
{
    [KernelFunction("next_steps")]
    [Description("The 3 features an account is most likely to adopt next and that matter (learnt from similar accounts' paths), each with its evidence, plus a ready-to-send enablement email for the first.")]
    public async Task<PluginResult> NextStepsAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Account id, e.g. P10342")] string? account = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return PluginResult.Refuse("Which account? Give its name or id, e.g. \"what should P10342 adopt next?\"");
        }

        Account? a = await accounts.GetAsync(account.Trim(), cancellationToken);
        if (a is null)
        {
            return PluginResult.Refuse($"I can't find an account with id {account}.");
        }

        if (a.Status == AccountStatus.Churned)
        {
            return PluginResult.Refuse($"{a.Name} ({a.Id}) already churned; there is nothing to adopt next.");
        }

        GrowthData data = await growth.DataAsync(cancellationToken);
        if (!GrowthInsights.HasFeatureData(data))
        {
            return PluginResult.Refuse(GrowthInsights.NoFeatureData);
        }

        AdoptionAnalysis analysis = await growth.AdoptionAsync(cancellationToken);
        NextSteps? next = analysis.NextStepsFor(a.Id);
        if (next is null || (next.Recommendations.Count == 0 && next.UpgradePaths.Count == 0))
        {
            return new PluginResult($"{a.Name} ({a.Id}) already uses every feature its plan includes whose prerequisites it has" +
                (next is { Uses.Count: > 0 } ? $" ({Quantity.Of(next.Uses.Count, "feature")})." : ".")) { AccountsShown = [a.Id] };
        }

        var body = new List<CardElement>
        {
            new CardFacts([
                ("Plan", next.Plan?.ToString() ?? "—"), ("Industry", a.Industry), ("Tier", a.Tier.ToString()),
                ("Uses", next.Uses.Count == 0 ? "no features yet" : $"{Quantity.Of(next.Uses.Count, "feature")}: {string.Join(", ", next.Uses)}"),
            ]),
        };
        string text;
        if (next.Recommendations.Count > 0)
        {
            body.Add(new CardText("Adopt next", Emphasis: true));
            body.Add(new CardTable(["#", "Feature", "Likely in 90 days", "Why"], next.Recommendations.Select((r, i) => (IReadOnlyList<string>)
                [(i + 1).ToString(CultureInfo.InvariantCulture), r.Feature, Format.Percent(r.Likelihood), r.Evidence.Sentence]).ToList()));
            text = $"{a.Name} ({a.Id}) should adopt next: " +
                string.Join("; ", next.Recommendations.Select((r, i) => $"{i + 1}. {r.Feature} ({Format.Percent(r.Likelihood)} likely within 90 days): {GrowthInsights.Clause(r.Evidence.Sentence)}")) + ".";
        }
        else
        {
            text = $"{a.Name} ({a.Id}) uses every feature its {next.Plan} plan includes that peers' paths lead to.";
        }

        if (next.UpgradePaths.Count > 0)
        {
            body.Add(new CardText("On a higher plan", Emphasis: true));
            body.Add(new CardTable(["Feature", "Plan", "Why"], next.UpgradePaths.Select(r => (IReadOnlyList<string>)[r.Feature, r.MinPlan.ToString(), r.Evidence.Sentence]).ToList()));
            text += $" On a higher plan: {string.Join(", ", next.UpgradePaths.Select(r => $"{r.Feature} ({r.MinPlan})"))}.";
        }

        NextStep? first = next.Recommendations.FirstOrDefault() ?? next.UpgradePaths.FirstOrDefault();
        var actions = new List<CardAction>();
        EnablementMessage? message = null;
        if (first is not null)
        {
            message = EnablementMessage.Compose(first, a.Name);
            body.Add(new CardText($"Enablement email: {message.Subject}", Emphasis: true));
            body.Add(new CardText(message.Body));
            actions.Add(new CardAction($"Task: enable {first.Feature}", "crm.create_task",
                new Dictionary<string, string> { ["account"] = a.Id, ["title"] = $"Enable {first.Feature} at {a.Name}: send the enablement email" }));
        }

        body.Add(new CardText($"Learnt from the adoption paths of {Quantity.Of(data.Accounts.Count, "account")} in this workspace; likelihoods are estimated from peers in the same situation.", Subtle: true));
        actions.Add(new CardAction("Account plan", "account.plan", new Dictionary<string, string> { ["account"] = a.Id }));
        return new PluginResult(text)
        {
            Cards = [new Card($"What {a.Name} should adopt next", body, actions) { FallbackText = text }],
            AccountsShown = [a.Id],
            Data = new
            {
                account = a.Id,
                plan = next.Plan?.ToString(),
                uses = next.Uses,
                next = next.Recommendations.Select(r => new { feature = r.Feature, likelihood = Math.Round(r.Likelihood, 3), evidence = r.Evidence.Sentence, peers = r.Evidence.Group.Describe() }),
                upgrade_paths = next.UpgradePaths.Select(r => new { feature = r.Feature, plan = r.MinPlan.ToString() }),
                enablement_email = message is null ? null : new { subject = message.Subject, body = message.Body },
            },
        };
    }

    [KernelFunction("patterns")]
    [Description("Portfolio adoption patterns: what a segment (industry, plan, tier) adopts after a feature and in what order, or which features predict retention (plain adoption lift beside the model's effect).")]
    public async Task<PluginResult> PatternsAsync(
        [FromKernelServices] CallerContext caller,
        [Description("Industry, e.g. healthcare")] string? industry = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("Starter | Pro | Enterprise")] string? plan = null,
        [Description("A feature: what is adopted after it")] string? feature = null,
        [Description("The question as asked (feature and plan names are read from it)")] string? question = null,
        CancellationToken cancellationToken = default)
    {
        (Tier? tierFilter, string? tierError) = Format.ParseTier(tier);
        if (tierError is not null)
        {
            return PluginResult.Refuse(tierError);
        }

        GrowthData data = await growth.DataAsync(cancellationToken);
        if (!GrowthInsights.HasFeatureData(data))
        {
            return PluginResult.Refuse(GrowthInsights.NoFeatureData);
        }

        // Counts are those of the caller's scope (a CSM's book, a manager's team, everything for admins), as every list and
        // total is; the analysis is built once per scope and data version.
        string scopeKey = caller.Scope.OwnerIds is { } owners ? "adoption:" + string.Join(',', owners.Order(StringComparer.Ordinal)) : "adoption";
        AdoptionAnalysis analysis = caller.Scope.OwnerIds is null
            ? await growth.AdoptionAsync(cancellationToken)
            : await growth.GetAsync(scopeKey, d => AdoptionAnalysis.Build(d with { Accounts = [.. d.Accounts.Where(caller.Scope.Allows)] }), cancellationToken);
        string where = caller.Scope.OwnerIds is { Count: 1 } ? "in your book" : caller.Scope.OwnerIds is not null ? "in your team" : "across the workspace";
        string text = question ?? string.Empty;
        Plan? planFilter = ParsePlan(plan) ?? ParsePlan(PlanWord().Match(text) is { Success: true } m ? m.Groups[1].Value : null);
        string? industryName = industry is null ? null : data.Accounts.Select(x => x.Industry).Distinct(StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(i => i.Equals(industry, StringComparison.OrdinalIgnoreCase) || i.StartsWith(industry, StringComparison.OrdinalIgnoreCase));
        if (industry is not null && industryName is null)
        {
            return PluginResult.Refuse($"No accounts in an industry called '{industry}'. Industries here: {string.Join(", ", data.Accounts.Select(x => x.Industry).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))}.");
        }

        string? after = FindFeature(analysis, feature) ?? FindFeature(analysis, AfterWord().Match(text) is { Success: true } am ? am.Groups[1].Value : null);
        if (feature is not null && after is null)
        {
            return PluginResult.Refuse($"There is no feature called '{feature}'. Features: {string.Join(", ", analysis.Features.Select(f => f.Name))}.");
        }

        var filter = new SegmentFilter(industryName, planFilter, tierFilter);
        return RetentionWord().IsMatch(text) && after is null ? Retention(analysis, filter, where) : Patterns(analysis, filter, after, where);
    }

    private static PluginResult Patterns(AdoptionAnalysis analysis, SegmentFilter filter, string? after, string where)
    {
        AdoptionPatterns p = analysis.Patterns(filter, after);
        string segment = Capital(filter.Describe());
        if (p.Accounts == 0)
        {
            return new PluginResult($"No {filter.Describe()} {where}.") { Data = new { segment = filter.Describe(), accounts = 0 } };
        }

        var next = p.Next.Where(n => n.Accounts > 0).Take(6).ToList();
        string anchor = after is null ? "signing up" : after;
        string text = after is not null && p.WithAnchor == 0
            ? $"None of the {Quantity.Of(p.Accounts, "account")} ({filter.Describe()}) uses {after} yet."
            : $"{segment} ({Quantity.Of(p.Accounts, "account")}" + (after is null ? string.Empty : $", {p.WithAnchor} using {after}") + $") most often adopt after {anchor}: " +
              string.Join("; ", next.Take(3).Select(n => $"{n.Feature} ({Format.Percent(n.Share90)} within 90 days, median {Days(n.MedianDays)})")) + ". " +
              "Usual order: " + string.Join(" → ", p.TypicalOrder.Take(6).Select(s => s.Feature)) + ".";
        var body = new List<CardElement> { new CardText(text) };
        if (next.Count > 0)
        {
            body.Add(new CardTable(["Adopted next", "Within 60 days", "Within 90 days", "Median", "Accounts"], next.Select(n => (IReadOnlyList<string>)
            [
                n.Feature, Share(n.Within60, n.Eligible60), Share(n.Within90, n.Eligible90), Days(n.MedianDays), Format.Int(n.Accounts),
            ]).ToList()));
        }

        if (p.TypicalOrder.Count > 0)
        {
            body.Add(new CardText("Typical order of adoption", Emphasis: true));
            body.Add(new CardTable(["Feature", "Median position", "Accounts using it"], p.TypicalOrder.Take(10).Select(s => (IReadOnlyList<string>)
                [s.Feature, s.MedianPosition.ToString("0.#", CultureInfo.InvariantCulture), $"{Format.Int(s.Adopters)} ({Format.Percent(s.Share)})"]).ToList()));
        }

        body.Add(new CardText($"Counted {where} ({Quantity.Of(p.Accounts, "account")}). Shares count accounts that used the starting point for at least 60 (90) days and not the feature before it.", Subtle: true));
        return new PluginResult(text)
        {
            Cards = [new Card($"What {filter.Describe()} adopt after {anchor}", body, []) { FallbackText = text }],
            Data = new
            {
                segment = filter.Describe(),
                after,
                accounts = p.Accounts,
                next = next.Select(n => new { feature = n.Feature, share_60 = Math.Round(n.Share60, 3), share_90 = Math.Round(n.Share90, 3), median_days = n.MedianDays, accounts = n.Accounts }),
                order = p.TypicalOrder.Select(s => s.Feature),
            },
        };
    }

    private static PluginResult Retention(AdoptionAnalysis analysis, SegmentFilter filter, string where)
    {
        // The plain lift follows the segment; the model's effect is learnt over the caller's whole scope.
        var lift = analysis.RetentionLift(filter).ToDictionary(l => l.Feature, l => l.Lift, StringComparer.OrdinalIgnoreCase);
        var rows = analysis.Retention().Select(r => (r.Feature, Lift: lift.GetValueOrDefault(r.Feature) ?? r.Lift, r.ModelEffectPoints)).ToList();
        var protective = rows.Where(r => r.ModelEffectPoints is < 0 || r.Lift.Ratio is >= 1.25).Take(3).ToList();
        string text = protective.Count == 0
            ? $"No feature stands out for retention among {filter.Describe()} {where}."
            : $"Features that go with retention among {filter.Describe()} {where}: " + string.Join("; ", protective.Select(r =>
                r.Feature + " (" + (r.Lift.Clause() ?? "too few accounts to compare") +
                (r.ModelEffectPoints is { } pts ? $"; model: {Signed(pts)} churn" : string.Empty) + ")")) + ".";
        var body = new List<CardElement>
        {
            new CardText(text),
            new CardTable(["Feature", "Churn if used", "Churn if not", "Plain lift", "Model effect"], rows.Select(r => (IReadOnlyList<string>)
            [
                r.Feature,
                r.Lift.AdopterChurnRate is { } ac ? $"{Format.Percent(ac)} of {Format.Int(r.Lift.Adopters)}" : "—",
                r.Lift.NonAdopterChurnRate is { } nc ? $"{Format.Percent(nc)} of {Format.Int(r.Lift.NonAdopters)}" : "—",
                r.Lift.IsComparable ? (r.Lift.Ratio is { } ratio ? ratio.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—") : "too few",
                r.ModelEffectPoints is { } e ? Signed(e) : "—",
            ]).ToList()),
            new CardText($"Plain lift = churn rate of accounts not using the feature ÷ of those using it (observational). Model effect = the feature's average TreeSHAP contribution to churn probability in a churn model with one flag per feature and controls (tier, plan, industry, age, seats), trained on the accounts {where}; negative means less churn; — when too few churned to train it.", Subtle: true),
        };
        return new PluginResult(text)
        {
            Cards = [new Card($"Which features predict retention ({filter.Describe()})", body, []) { FallbackText = text }],
            Data = new
            {
                accounts = rows.Count == 0 ? 0 : rows[0].Lift.Adopters + rows[0].Lift.NonAdopters,
                features = rows.Select(r => new { feature = r.Feature, adopters = r.Lift.Adopters, non_adopters = r.Lift.NonAdopters, adopter_churn = r.Lift.AdopterChurnRate, non_adopter_churn = r.Lift.NonAdopterChurnRate, lift = r.Lift.Ratio, model_effect_points = r.ModelEffectPoints }),
            },
        };
    }

    private static string? FindFeature(AdoptionAnalysis analysis, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string t = text.Trim();
        return analysis.Features.Select(f => f.Name).OrderByDescending(n => n.Length)
            .FirstOrDefault(n => t.StartsWith(n, StringComparison.OrdinalIgnoreCase) || n.Equals(t, StringComparison.OrdinalIgnoreCase)
                || (t.Length >= 3 && n.StartsWith(t, StringComparison.OrdinalIgnoreCase)));
    }

    private static Plan? ParsePlan(string? text) =>
        text is not null && Enum.TryParse(text.Trim(), ignoreCase: true, out Plan p) && Enum.IsDefined(p) ? p : null;

    private static string Share(int within, int eligible) => eligible == 0 ? "—" : $"{Format.Percent((double)within / eligible)} ({within}/{eligible})";

    private static string Days(double? days) => days is { } d ? Quantity.Of((long)Math.Round(d), "day") : "—";

    private static string Signed(double points) => (points >= 0 ? "+" : "−") + Math.Abs(points).ToString("0.0", CultureInfo.InvariantCulture) + " pts";

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    [GeneratedRegex(@"\b(?:after|following|once they(?:'ve| have)? (?:adopted|turned on|enabled)|once they use)\s+(?:adopting\s+|using\s+)?([A-Za-z][\w\- ]{1,40})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AfterWord();

    [GeneratedRegex(@"\b(starter|pro|enterprise)\b(?:\s+plan|\s+accounts|\s+customers)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlanWord();

    [GeneratedRegex(@"\b(retention|retain|churn|predict|sticky|stick|keep)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RetentionWord();
}
