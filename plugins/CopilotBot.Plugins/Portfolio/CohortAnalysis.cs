using System.Globalization;
using CopilotBot.Conversation.Cards;
using CopilotBot.ML;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Portfolio;

/// <summary>How accounts are grouped in a cohort view.</summary>
public enum CohortDimension
{
    SignupYear,
    SignupQuarter,
    Tier,
    Industry,
    Region,
    Owner,
}

/// <summary>
/// One group of a cohort view. Churn is counted over the last <see cref="CohortAnalysis.ChurnWindowMonths"/> months:
/// <see cref="Exposed"/> accounts were customers at some point in that window, <see cref="ChurnedInWindow"/> of them
/// churned in it; <see cref="SignedUpInWindow"/> of them signed up inside the window (less time to churn), and
/// <see cref="Partial"/> marks the groups where that matters: any such account in a signup cohort, a quarter or more elsewhere.
/// Risk, adoption, the active-user trend and ARR describe the group's active accounts.
/// </summary>
public sealed record CohortGroup(
    string Key,
    int Accounts,
    int Active,
    int ChurnedAllTime,
    int Exposed,
    int ChurnedInWindow,
    int SignedUpInWindow,
    bool Partial,
    double? MeanRisk,
    double? MedianAdoption,
    double? ActiveUserTrend,
    decimal Arr)
{
    public double? ChurnRate => Exposed == 0 ? null : ChurnedInWindow / (double)Exposed;
}

/// <summary>
/// One feature-adoption quartile (1 = lowest). "Now": active accounts by their adoption in the last completed month,
/// with their mean 90-day risk. "Before": accounts that were customers <see cref="CohortAnalysis.AdoptionLeadMonths"/>
/// months ago, by their adoption then, and how many of them churned since.
/// </summary>
public sealed record AdoptionQuartile(
    int Quartile,
    double? NowLow,
    double? NowHigh,
    int NowAccounts,
    double? MeanRisk,
    double? BeforeLow,
    double? BeforeHigh,
    int BeforeAccounts,
    int ChurnedSince)
{
    public double? ChurnRateSince => BeforeAccounts == 0 ? null : ChurnedSince / (double)BeforeAccounts;
}

/// <summary>
/// A model feature's TreeSHAP contributions (log-odds of the 90-day model) over the explained accounts:
/// <see cref="MeanDown"/> is the mean of the contributions that lower risk (others count as zero), <see cref="Mean"/> the
/// plain mean; <see cref="Helps"/> and <see cref="Hurts"/> the feature's typical value (median, or the commonest
/// category) where it lowers and where it raises risk, in words.
/// </summary>
public sealed record FeatureEffect(string Feature, string Label, double MeanDown, double Mean, int Lowered, int Explained, string? Helps, string? Hurts)
{
    /// <summary>What the mean downward push does to the odds of churning: e^<see cref="MeanDown"/> (≤ 1).</summary>
    public double OddsRatio => Math.Exp(MeanDown);
}

/// <summary>A cohort view: groups, adoption quartiles and the features that lower risk most.</summary>
public sealed record CohortReport(
    CohortDimension By,
    DateOnly Today,
    DateOnly WindowStart,
    DateOnly AdoptionBaseline,
    IReadOnlyList<CohortGroup> Groups,
    IReadOnlyList<AdoptionQuartile> Quartiles,
    IReadOnlyList<FeatureEffect> Effects,
    int Explained,
    int Scored,
    int ChurnedWithoutDate)
{
    public int Accounts => Groups.Sum(g => g.Accounts);

    public int Exposed => Groups.Sum(g => g.Exposed);

    public int ChurnedInWindow => Groups.Sum(g => g.ChurnedInWindow);
}

/// <summary>
/// Churn and adoption by signup cohort, tier, industry, region or owner, and what predicts retention (the churn
/// model's TreeSHAP contributions and churn by adoption quartile). Pure: the plugin loads the data and the scope.
/// </summary>
public static class CohortAnalysis
{
    /// <summary>Churn rates count churn over this many months, so every group is measured over the same window.</summary>
    public const int ChurnWindowMonths = 12;

    /// <summary>Adoption is also measured this many months back, to compare with churn that happened after it.</summary>
    public const int AdoptionLeadMonths = 6;

    /// <summary>Groups with fewer exposed accounts are not named as best or worst (too few to compare).</summary>
    public const int MinGroupForComparison = 5;

    /// <summary>At most this many accounts are explained for the feature effects (a systematic sample beyond).</summary>
    public const int MaxExplained = 300;

    public const string Options = "signup_year (the default), signup_quarter, tier, industry, region or owner";

    public static bool TryParse(string? by, out CohortDimension dimension)
    {
        string key = (by ?? string.Empty).Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        CohortDimension? parsed = key switch
        {
            "" or "cohort" or "cohorts" or "signup" or "signup_cohort" or "signup_year" or "year" or "cohort_year" or "yearly" or "signup_date" => CohortDimension.SignupYear,
            "signup_quarter" or "quarter" or "quarterly" or "cohort_quarter" or "quarterly_cohort" => CohortDimension.SignupQuarter,
            "tier" or "tiers" or "segment" => CohortDimension.Tier,
            "industry" or "industries" or "vertical" => CohortDimension.Industry,
            "region" or "regions" or "geo" => CohortDimension.Region,
            "owner" or "csm" or "owners" => CohortDimension.Owner,
            _ => null,
        };
        dimension = parsed ?? CohortDimension.SignupYear;
        return parsed is not null;
    }

    public static string Title(CohortDimension by) => by switch
    {
        CohortDimension.SignupYear => "Signup year",
        CohortDimension.SignupQuarter => "Signup quarter",
        CohortDimension.Tier => "Tier",
        CohortDimension.Industry => "Industry",
        CohortDimension.Region => "Region",
        _ => "Owner",
    };

    public static string Key(Account a, CohortDimension by) => by switch
    {
        CohortDimension.SignupYear => a.SignupDate is { } s ? s.Year.ToString(CultureInfo.InvariantCulture) : "(no signup date)",
        CohortDimension.SignupQuarter => a.SignupDate is { } q ? $"{q.Year} Q{((q.Month - 1) / 3) + 1}" : "(no signup date)",
        CohortDimension.Tier => a.Tier.ToString(),
        CohortDimension.Industry => string.IsNullOrWhiteSpace(a.Industry) ? "(no industry)" : a.Industry,
        CohortDimension.Region => a.Region.ToString(),
        _ => a.OwnerId ?? "(no owner)",
    };

    /// <summary>Churned: status churned or a churn date on or before today.</summary>
    public static bool IsChurned(Account a, DateOnly today) => a.Status == AccountStatus.Churned || a.ChurnedOn is { } c && c <= today;

    /// <summary>
    /// Builds the view over exactly the accounts given (the caller's visible ones), their usage and today's risk scores
    /// (scores of accounts not in <paramref name="accounts"/> are ignored).
    /// </summary>
    public static CohortReport Analyze(
        IReadOnlyList<Account> accounts,
        IReadOnlyList<UsageMonth> usage,
        IReadOnlyList<AccountRisk> risks,
        DateOnly today,
        CohortDimension by)
    {
        DateOnly windowStart = today.AddMonths(-ChurnWindowMonths);
        DateOnly baseline = today.AddMonths(-AdoptionLeadMonths);
        var ids = accounts.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var riskById = risks.Where(r => ids.Contains(r.Account.Id)).ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
        var usageById = usage.Where(u => ids.Contains(u.AccountId)).GroupBy(u => u.AccountId)
            .ToDictionary(g => g.Key, g => g.OrderBy(u => u.Month).ToList(), StringComparer.Ordinal);

        UsageMonth? LastCompleted(string id, DateOnly asOf) =>
            usageById.TryGetValue(id, out var months) ? months.LastOrDefault(u => u.Month.AddMonths(1) <= asOf) : null;

        UsageMonth? MonthOf(string id, DateOnly month) =>
            usageById.TryGetValue(id, out var months) ? months.FirstOrDefault(u => u.Month == month) : null;

        var groups = new List<CohortGroup>();
        foreach (IGrouping<string, Account> g in accounts.GroupBy(a => Key(a, by)))
        {
            var active = g.Where(a => !IsChurned(a, today)).ToList();
            int exposed = 0, churnedInWindow = 0, signedUpInWindow = 0;
            foreach (Account a in g)
            {
                if (a.SignupDate is { } signup && signup > today)
                {
                    continue;
                }

                if (IsChurned(a, today) && a.ChurnedOn is null)
                {
                    continue; // Churned at an unknown date: cannot be placed in the window.
                }

                if (a.ChurnedOn is { } churned && churned <= windowStart)
                {
                    continue; // Gone before the window started.
                }

                exposed++;
                signedUpInWindow += a.SignupDate is { } s && s > windowStart ? 1 : 0;
                if (a.ChurnedOn is { } c && c > windowStart && c <= today)
                {
                    churnedInWindow++;
                }
            }

            var scored = active.Where(a => riskById.ContainsKey(a.Id)).Select(a => riskById[a.Id].Probability).ToList();
            var adoption = active.Select(a => LastCompleted(a.Id, today)?.FeatureAdoption).OfType<double>().ToList();
            int usersNow = 0, usersBefore = 0;
            foreach (Account a in active)
            {
                if (LastCompleted(a.Id, today) is { } latest && MonthOf(a.Id, latest.Month.AddMonths(-3)) is { } earlier)
                {
                    usersNow += latest.ActiveUsers;
                    usersBefore += earlier.ActiveUsers;
                }
            }

            groups.Add(new CohortGroup(
                g.Key,
                g.Count(),
                active.Count,
                g.Count(a => IsChurned(a, today)),
                exposed,
                churnedInWindow,
                signedUpInWindow,
                by is CohortDimension.SignupYear or CohortDimension.SignupQuarter ? signedUpInWindow > 0 : signedUpInWindow * 4 >= Math.Max(1, exposed),
                scored.Count == 0 ? null : scored.Average(),
                Median(adoption),
                usersBefore == 0 ? null : (usersNow - usersBefore) / (double)usersBefore,
                active.Sum(a => a.Arr)));
        }

        IEnumerable<CohortGroup> ordered = by switch
        {
            CohortDimension.SignupYear or CohortDimension.SignupQuarter => groups.OrderBy(x => x.Key.StartsWith('(')).ThenBy(x => x.Key, StringComparer.Ordinal),
            CohortDimension.Tier => groups.OrderBy(x => Enum.TryParse(x.Key, out Tier t) ? (int)t : int.MaxValue),
            _ => groups.OrderByDescending(x => x.Accounts).ThenBy(x => x.Key, StringComparer.Ordinal),
        };

        // Adoption now (active accounts) against today's risk.
        var now = accounts.Where(a => !IsChurned(a, today) && riskById.ContainsKey(a.Id))
            .Select(a => (Account: a, Adoption: LastCompleted(a.Id, today)?.FeatureAdoption))
            .Where(x => x.Adoption is not null).Select(x => (x.Account, Adoption: x.Adoption!.Value)).ToList();

        // Adoption then (customers at the baseline date) against churn since.
        var before = accounts
            .Where(a => (a.SignupDate is null || a.SignupDate <= baseline) && !(a.ChurnedOn is { } c && c <= baseline) &&
                        !(IsChurned(a, today) && a.ChurnedOn is null))
            .Select(a => (Account: a, Adoption: LastCompleted(a.Id, baseline)?.FeatureAdoption))
            .Where(x => x.Adoption is not null).Select(x => (x.Account, Adoption: x.Adoption!.Value)).ToList();
        var nowQ = Quartiles(now);
        var beforeQ = Quartiles(before);
        var quartiles = Enumerable.Range(0, 4).Select(q => new AdoptionQuartile(
            q + 1,
            nowQ[q].Count == 0 ? null : nowQ[q].Min(x => x.Adoption),
            nowQ[q].Count == 0 ? null : nowQ[q].Max(x => x.Adoption),
            nowQ[q].Count,
            nowQ[q].Count == 0 ? null : nowQ[q].Average(x => riskById[x.Account.Id].Probability),
            beforeQ[q].Count == 0 ? null : beforeQ[q].Min(x => x.Adoption),
            beforeQ[q].Count == 0 ? null : beforeQ[q].Max(x => x.Adoption),
            beforeQ[q].Count,
            beforeQ[q].Count(x => x.Account.ChurnedOn is { } c && c > baseline && c <= today))).ToList();

        (IReadOnlyList<FeatureEffect> effects, int explained) = Effects(riskById.Values.ToList());
        return new CohortReport(by, today, windowStart, baseline, ordered.ToList(), quartiles, effects, explained, riskById.Count,
            accounts.Count(a => IsChurned(a, today) && a.ChurnedOn is null));
    }

    /// <summary>
    /// Which features push risk down most across the accounts: per feature, the mean of its TreeSHAP contributions that
    /// lower risk (log-odds), most protective first. Above <see cref="MaxExplained"/> accounts a systematic sample
    /// (every k-th by id) is explained, since each explanation walks every tree. Features with a single value across the
    /// accounts are left out.
    /// </summary>
    public static (IReadOnlyList<FeatureEffect> Effects, int Explained) Effects(IReadOnlyList<AccountRisk> risks)
    {
        var candidates = risks.Where(r => r.LazyExplanation is not null).OrderBy(r => r.Account.Id, StringComparer.Ordinal).ToList();
        if (candidates.Count > MaxExplained)
        {
            double step = candidates.Count / (double)MaxExplained;
            candidates = Enumerable.Range(0, MaxExplained).Select(i => candidates[(int)(i * step)]).ToList();
        }

        if (candidates.Count == 0)
        {
            return ([], 0);
        }

        var explained = new PredictionExplanation[candidates.Count];
        Parallel.For(0, candidates.Count, i => explained[i] = candidates[i].LazyExplanation!.Value);
        int n = candidates.Count;
        // A feature with one value across these accounts (the region of a one-region team) says nothing about who stays.
        var effects = explained.SelectMany(e => e.Contributions).GroupBy(c => c.Feature, StringComparer.Ordinal)
            .Where(g => g.Select(c => c.Value ?? c.NumericValue?.ToString("R", CultureInfo.InvariantCulture)).Distinct().Skip(1).Any())
            .Select(g =>
            {
                var down = g.Where(c => c.Contribution < 0).ToList();
                var up = g.Where(c => c.Contribution > 0).ToList();
                return new FeatureEffect(g.Key, FeatureLabel(g.Key), down.Sum(c => c.Contribution) / n, g.Sum(c => c.Contribution) / n, down.Count, n, Typical(down), Typical(up));
            })
            .OrderBy(e => e.MeanDown).ThenBy(e => e.Feature, StringComparer.Ordinal).ToList();
        return (effects, n);
    }

    /// <summary>"feature adoption at 66%": the median value (or the commonest category) of some contributions, in words.</summary>
    private static string? Typical(List<FeatureContribution> contributions)
    {
        if (contributions.Count == 0)
        {
            return null;
        }

        FeatureContribution first = contributions[0];
        if (first.Kind == FeatureKind.Categorical)
        {
            string? mode = contributions.GroupBy(c => c.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            return DriverText.Describe(first with { Value = mode, NumericValue = null });
        }

        var values = contributions.Select(c => c.NumericValue).OfType<double>().Where(v => !double.IsNaN(v)).ToList();
        return values.Count * 2 < contributions.Count
            ? DriverText.Describe(first with { NumericValue = double.NaN })
            : DriverText.Describe(first with { NumericValue = Median(values) });
    }

    public static string FeatureLabel(string feature) => feature switch
    {
        "arr_log10" => "ARR",
        "tenure_days" => "tenure",
        "days_to_renewal" => "days to renewal",
        "months_of_usage" => "months of usage history",
        "utilization" => "seat utilisation",
        "usage_change_90d" => "active-user change (90 days)",
        "usage_change_180d" => "active-user change (6 months)",
        "logins_change_90d" => "login change (90 days)",
        "feature_adoption" => "feature adoption",
        "adoption_change_90d" => "feature-adoption change (90 days)",
        "late_payments_180d" => "late payments (6 months)",
        "unpaid_overdue" => "overdue invoices",
        "days_since_last_payment" => "days since last payment",
        "tickets_30d" => "support conversations (30 days)",
        "tickets_90d" => "support conversations (90 days)",
        "negative_tickets_90d" => "negative support conversations (90 days)",
        "mean_sentiment_90d" => "support sentiment (90 days)",
        "cancellation_tickets_90d" => "cancellation talk (90 days)",
        "days_since_cancellation_talk" => "days since cancellation talk",
        _ => feature.Replace('_', ' '),
    };

    /// <summary>The reply: one or two sentences saying what the numbers mean (from the numbers only), and the card.</summary>
    public static (string Text, Card Card) Render(CohortReport report, string scope)
    {
        string title = Title(report.By);
        var sentences = new List<string>();
        int active = report.Groups.Sum(g => g.Active);
        double? overall = report.Exposed == 0 ? null : report.ChurnedInWindow / (double)report.Exposed;
        sentences.Add($"{Format.Int(report.Accounts)} accounts {scope} ({Format.Int(active)} active): " +
            $"{Format.Int(report.ChurnedInWindow)} of {Format.Int(report.Exposed)} churned in the last {ChurnWindowMonths} months" +
            (overall is { } o ? $" ({Format.Percent(o)})." : "."));
        var comparable = report.Groups.Where(g => g.Exposed >= MinGroupForComparison && g.ChurnRate is not null).ToList();
        if (comparable.Count >= 2)
        {
            CohortGroup worst = comparable.MaxBy(g => g.ChurnRate!.Value)!;
            CohortGroup best = comparable.MinBy(g => g.ChurnRate!.Value)!;
            if (worst.ChurnRate > best.ChurnRate)
            {
                sentences.Add($"By {title.ToLowerInvariant()}, churn was highest in {worst.Key} ({Format.Percent(worst.ChurnRate!.Value)} of {worst.Exposed}) " +
                    $"and lowest in {best.Key} ({Format.Percent(best.ChurnRate!.Value)} of {best.Exposed})" +
                    (worst.Partial || best.Partial ? $"; {(worst.Partial ? worst.Key : best.Key)} includes accounts that signed up within the window and had less time to churn." : "."));
            }
        }

        AdoptionQuartile low = report.Quartiles[0], high = report.Quartiles[3];
        if (low.MeanRisk is { } lowRisk && high.MeanRisk is { } highRisk)
        {
            sentences.Add($"Accounts in the lowest feature-adoption quartile (≤{Format.Percent(low.NowHigh!.Value)}) average {Format.Risk(lowRisk)} 90-day risk, " +
                $"against {Format.Risk(highRisk)} in the highest (≥{Format.Percent(high.NowLow!.Value)})" +
                (low.ChurnRateSince is { } lc && high.ChurnRateSince is { } hc
                    ? $"; of the accounts measured {AdoptionLeadMonths} months ago, {Format.Percent(lc)} of the lowest quartile churned since, against {Format.Percent(hc)} of the highest."
                    : "."));
        }

        FeatureEffect? strongest = report.Effects.FirstOrDefault(e => e.MeanDown < 0);
        if (strongest is not null)
        {
            sentences.Add($"In the churn model, {strongest.Label} does most to push risk down: it lowers risk for {Format.Percent(strongest.Lowered / (double)strongest.Explained)} of accounts" +
                (Contrasts(strongest.Helps, strongest.Hurts)
                    ? $" (typically {strongest.Helps} where it lowers risk, against {strongest.Hurts} where it raises it)."
                    : "."));
        }

        var body = new List<CardElement>
        {
            new CardFacts(
            [
                ("Accounts", $"{Format.Int(report.Accounts)} ({Format.Int(active)} active)"),
                ($"Churned, last {ChurnWindowMonths} months", $"{Format.Int(report.ChurnedInWindow)} of {Format.Int(report.Exposed)}" + (overall is { } r ? $" ({Format.Percent(r)})" : string.Empty)),
                ("ARR (active)", Format.Money(report.Groups.Sum(g => g.Arr))),
            ]),
        };
        if (PortfolioCharts.Cohorts(report) is { } chart)
        {
            body.Add(chart);
        }

        body.AddRange(
        [
            new CardTable(
                [title, "Accounts", $"Churned, {ChurnWindowMonths} mo", "Avg risk", "Median adoption", "Active users, 3 mo", "ARR"],
                report.Groups.Select(g => (IReadOnlyList<string>)
                [
                    g.Key + (g.Partial ? " *" : string.Empty),
                    Format.Int(g.Accounts),
                    g.ChurnRate is { } c ? $"{Format.Percent(c)} ({g.ChurnedInWindow}/{g.Exposed})" : "–",
                    g.MeanRisk is { } m ? Format.Risk(m) : "–",
                    g.MedianAdoption is { } a ? Format.Percent(a) : "–",
                    g.ActiveUserTrend is { } t ? Signed(t) : "–",
                    Format.Money(g.Arr),
                ]).ToList()),
            new CardText(
                $"Churned = churned in the last {ChurnWindowMonths} months ({Format.Iso(report.WindowStart)} to {Format.Iso(report.Today)}) ÷ accounts that were customers at some point in them. " +
                $"{Format.Int(report.Groups.Sum(g => g.SignedUpInWindow))} of the accounts signed up inside that window and had less time to churn" +
                (report.Groups.Any(g => g.Partial) ? " (* marks the groups where they weigh: their rate understates what a full year would show). " : ". ") +
                "Risk, adoption (last completed month), active-user change (against three months earlier) and ARR are for active accounts." +
                (report.ChurnedWithoutDate > 0 ? $" {report.ChurnedWithoutDate} churned account(s) have no churn date and are left out of the rates." : string.Empty),
                Subtle: true),
            new CardText("What predicts retention", Emphasis: true),
        ]);
        if (report.Quartiles.Any(q => q.NowAccounts > 0 || q.BeforeAccounts > 0))
        {
            body.Add(new CardTable(
                ["Adoption quartile", "Adoption now", "Avg risk now", $"Adoption {AdoptionLeadMonths} mo ago", "Churned since"],
                report.Quartiles.Select(q => (IReadOnlyList<string>)
                [
                    q.Quartile switch { 1 => "Q1 (lowest)", 4 => "Q4 (highest)", _ => "Q" + q.Quartile.ToString(CultureInfo.InvariantCulture) },
                    Range(q.NowLow, q.NowHigh),
                    q.MeanRisk is { } m ? Format.Risk(m) : "–",
                    Range(q.BeforeLow, q.BeforeHigh),
                    q.ChurnRateSince is { } c ? $"{Format.Percent(c)} ({q.ChurnedSince}/{q.BeforeAccounts})" : "–",
                ]).ToList()));
        }

        var lowering = report.Effects.Where(e => e.MeanDown < 0).Take(5).ToList();
        if (lowering.Count > 0)
        {
            body.Add(new CardTable(
                ["Feature (churn model)", "Lowers risk for", "Average push down", "Typical value where it lowers risk", "… where it raises risk"],
                lowering.Select(e => (IReadOnlyList<string>)
                [
                    // Two typical values that barely differ ("55%" against "58%") say nothing: shown only when they contrast.
                    e.Label, $"{Format.Percent(e.Lowered / (double)e.Explained)} of accounts", $"odds ×{Odds(e.OddsRatio)}",
                    Contrasts(e.Helps, e.Hurts) ? e.Helps! : "no clear difference", Contrasts(e.Helps, e.Hurts) ? e.Hurts! : "–",
                ]).ToList()));
        }

        body.Add(new CardText(
            $"Adoption quartiles split accounts into four equal groups by feature adoption: now (active accounts, with today's 90-day risk) and " +
            $"{AdoptionLeadMonths} months ago ({Format.Iso(report.AdoptionBaseline)}; customers then, with how many churned since). " +
            $"Feature effects are the churn model's TreeSHAP contributions averaged over {(report.Explained < report.Scored ? $"{report.Explained} of the {report.Scored} active accounts (every k-th by id)" : $"the {report.Explained} active accounts")}, " +
            "the push down is the mean of the contributions that lower risk (the others count as zero), shown as what it does to the odds of churning (×0.5 halves them). " +
            "They describe what the model learnt to associate with retention, not proof of cause.",
            Subtle: true));
        string text = string.Join(" ", sentences);
        return (text, new Card($"Cohorts by {title.ToLowerInvariant()} {scope}", body, []) { FallbackText = text });
    }

    private static List<(Account Account, double Adoption)>[] Quartiles(List<(Account Account, double Adoption)> items)
    {
        var sorted = items.OrderBy(x => x.Adoption).ThenBy(x => x.Account.Id, StringComparer.Ordinal).ToList();
        var result = new List<(Account, double)>[4];
        for (int q = 0; q < 4; q++)
        {
            result[q] = [];
        }

        for (int i = 0; i < sorted.Count; i++)
        {
            result[Math.Min(3, i * 4 / sorted.Count)].Add(sorted[i]);
        }

        return result;
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static string Range(double? low, double? high) =>
        low is { } l && high is { } h ? $"{Format.Percent(l)}–{Format.Percent(h)}" : "–";

    /// <summary>
    /// Whether two typical values tell the sides apart: both present, and (when both are numbers) at least 20% apart
    /// relative to the larger, so "helps at 55% / hurts at 58%" is not shown as if it meant something.
    /// </summary>
    internal static bool Contrasts(string? helps, string? hurts)
    {
        if (helps is null || hurts is null || helps == hurts)
        {
            return false;
        }

        static double? Number(string text)
        {
            string digits = new([.. text.Where(c => char.IsDigit(c) || c is '.' or '-')]);
            return double.TryParse(digits, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : null;
        }

        return Number(helps) is not { } a || Number(hurts) is not { } b || Math.Abs(a - b) >= 0.2 * Math.Max(Math.Abs(a), Math.Abs(b));
    }

    private static string Odds(double ratio) => ratio.ToString(ratio < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static string Signed(double fraction) =>
        Math.Abs(fraction) < 0.005 ? "0%" : (fraction > 0 ? "+" : "−") + Format.Percent(Math.Abs(fraction));
}
