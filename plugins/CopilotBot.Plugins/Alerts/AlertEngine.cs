using System.Globalization;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Alerts;

/// <summary>Hands raised alerts to whatever delivers them (the web host's dispatcher); the command line has none.</summary>
public interface IAlertDelivery
{
    ValueTask EnqueueAsync(Alert alert, CancellationToken cancellationToken = default);
}

/// <summary>
/// Evaluates the triggers and raises alerts for account owners (accounts without one: the workspace admin). Each alert has
/// a dedupe key (trigger, account, period) so any number of evaluations, on any number of instances, raise it once; the
/// store holds alerts beyond the hourly limit for the digest; dismissals lower a trigger's priority for that user.
/// </summary>
public sealed class AlertEngine(
    IAlertStore alerts,
    IConversationStore conversations,
    IActivityStore activity,
    IWorkspaceMeta meta,
    AlertOptions options,
    IAlertDelivery? delivery = null)
{
    /// <summary>A trigger that fired for an account, before routing and deduplication.</summary>
    public sealed record Candidate(string Trigger, Account Account, string Summary, string Period);

    /// <summary>Triggers that follow from fresh scores (after usage or payment events).</summary>
    public async Task<IReadOnlyList<Alert>> OnRiskChangesAsync(IReadOnlyList<RiskChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>();
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (RiskChange change in changes)
        {
            if (change.After is not { } after)
            {
                continue;
            }

            candidates.AddRange(RiskTriggers(after, change.Before, today, "since the last update"));
        }

        return await RaiseAsync(candidates, now, cancellationToken);
    }

    /// <summary>
    /// The periodic sweep over the whole book: risk against a week ago, renewals, inactivity, sentiment spikes and missing
    /// data.
    /// </summary>
    public async Task<IReadOnlyList<Alert>> SweepAsync(
        IReadOnlyList<AccountRisk> current,
        IReadOnlyList<AccountRisk> weekAgo,
        IReadOnlyList<Account> activeAccounts,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        var before = weekAgo.ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
        var candidates = new List<Candidate>();
        foreach (AccountRisk risk in current)
        {
            candidates.AddRange(RiskTriggers(risk, before.GetValueOrDefault(risk.Account.Id), today, "in the last week"));
        }

        candidates.AddRange(await InactivityAsync(activeAccounts, now, cancellationToken));
        candidates.AddRange(await SentimentSpikesAsync(activeAccounts, now, cancellationToken));
        candidates.AddRange(MissingData(activeAccounts, today));
        candidates.AddRange(await SeatCeilingsAsync(activeAccounts, current, cancellationToken));
        return await RaiseAsync(candidates, now, cancellationToken);
    }

    /// <summary>
    /// <c>next_step</c> for accounts that used a key feature for the first time, each with the next step suggested for it
    /// (null when none is known: the alert then only says what happened). Once per account and feature.
    /// </summary>
    public Task<IReadOnlyList<Alert>> OnFirstUsesAsync(
        IReadOnlyList<(Account Account, FeatureFirstUse Use, string? NextStep)> firstUses,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var candidates = firstUses.Where(f => f.Account.Status == AccountStatus.Active).Select(f => new Candidate(
            AlertTriggers.NextStep,
            f.Account,
            $"{f.Account.Name} ({f.Account.Id}) started using {f.Use.Feature} on {Format.Iso(f.Use.FirstUsedOn)}." +
                (f.NextStep is { Length: > 0 } next ? " " + next : string.Empty),
            "feature:" + f.Use.Feature.ToLowerInvariant())).ToList();
        return RaiseAsync(candidates, now, cancellationToken);
    }

    /// <summary>
    /// <c>seat_ceiling</c> when an active account uses at least <see cref="AlertOptions.SeatCeiling"/> of the seats it
    /// bought, unless its churn risk is at or above <see cref="AlertOptions.ExpansionHoldRisk"/> (flagged, not pitched).
    /// Once per account and month.
    /// </summary>
    public Candidate? SeatCeiling(Account account, int activeUsers, DateOnly month, double? churnRisk)
    {
        if (account.Status != AccountStatus.Active || account.Seats is not { } seats || seats <= 0 || activeUsers < options.SeatCeiling * seats)
        {
            return null;
        }

        if (churnRisk is { } risk && risk >= options.ExpansionHoldRisk)
        {
            return null;
        }

        return new Candidate(
            AlertTriggers.SeatCeiling,
            account,
            $"{account.Name} ({account.Id}) has {activeUsers} active users on {Quantity.Of(seats, "seat")} ({Format.Percent((double)activeUsers / seats)} used) in {month.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}: time for an expansion conversation." +
                (churnRisk is { } r ? $" Churn risk {Format.Risk(r)}." : string.Empty),
            month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    /// <summary>Risk jump, entering the ~7-day bucket and renewal at risk, comparing a score with an earlier one.</summary>
    public IEnumerable<Candidate> RiskTriggers(AccountRisk after, AccountRisk? before, DateOnly today, string since)
    {
        Account a = after.Account;
        string day = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (before is not null && (after.Probability - before.Probability) * 100 >= options.RiskJumpPoints)
        {
            string driver = after.TopDriver is { } d ? $" Top driver: {d.Text}." : string.Empty;
            yield return new Candidate(AlertTriggers.RiskJump, a,
                $"{a.Name} ({a.Id}): churn risk jumped {Format.Risk(before.Probability)} → {Format.Risk(after.Probability)} {since}.{driver}", day);
        }

        if (after.Urgency == Urgency.Within7Days && before is not null && before.Urgency != Urgency.Within7Days)
        {
            yield return new Candidate(AlertTriggers.Entered7Days, a,
                $"{a.Name} ({a.Id}) is now likely to churn within ~7 days (risk {Format.Risk(after.Probability)}, {Format.Money(a.Arr)} ARR).", day);
        }

        if (a.RenewalDate is { } renewal && renewal >= today && renewal.DayNumber - today.DayNumber <= options.RenewalDays && after.Probability >= options.RenewalRisk)
        {
            yield return new Candidate(AlertTriggers.RenewalRisk, a,
                $"{a.Name} ({a.Id}) renews on {Format.Iso(renewal)} (in {renewal.DayNumber - today.DayNumber} days) with churn risk {Format.Risk(after.Probability)}.",
                Format.Iso(renewal));
        }
    }

    private async Task<IEnumerable<Candidate>> InactivityAsync(IReadOnlyList<Account> accounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, DateTimeOffset> lastEvent = await activity.ListLastActivityAsync(cancellationToken);
        ILookup<string, UsageMonth> usage = (await activity.ListUsageAsync(cancellationToken)).ToLookup(u => u.AccountId);
        var found = new List<Candidate>();
        foreach (Account a in accounts)
        {
            // A month with logins counts as activity up to its last day (or today): monthly data can't say more, so this
            // errs towards not alerting.
            DateTimeOffset? last = usage[a.Id].Where(u => u.Logins > 0).Select(u => (DateTimeOffset?)Min(u.Month.AddMonths(1).AddDays(-1), now)).Max();
            if (lastEvent.TryGetValue(a.Id, out DateTimeOffset seen) && (last is null || seen > last))
            {
                last = seen;
            }

            if (last is { } l && (now - l).TotalDays >= options.InactiveDays)
            {
                int days = (int)(now - l).TotalDays;
                found.Add(new Candidate(AlertTriggers.Inactive, a, $"No logins from {a.Name} ({a.Id}) for {Quantity.Of(days, "day")}.", Week(now)));
            }
        }

        return found;
    }

    private async Task<IEnumerable<Candidate>> SeatCeilingsAsync(IReadOnlyList<Account> accounts, IReadOnlyList<AccountRisk> current, CancellationToken cancellationToken)
    {
        var latest = (await activity.ListUsageAsync(cancellationToken)).GroupBy(u => u.AccountId).ToDictionary(g => g.Key, g => g.MaxBy(u => u.Month)!, StringComparer.Ordinal);
        var risk = current.ToDictionary(r => r.Account.Id, r => r.Probability, StringComparer.Ordinal);
        var found = new List<Candidate>();
        foreach (Account a in accounts)
        {
            if (latest.TryGetValue(a.Id, out UsageMonth? u) && SeatCeiling(a, u.ActiveUsers, u.Month, risk.TryGetValue(a.Id, out double p) ? p : null) is { } candidate)
            {
                found.Add(candidate);
            }
        }

        return found;
    }

    private async Task<IEnumerable<Candidate>> SentimentSpikesAsync(IReadOnlyList<Account> accounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byId = accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var found = new List<Candidate>();
        IReadOnlyList<SupportConversation> recent = await conversations.ListAsync(null, now.AddDays(-63), now, cancellationToken);
        foreach (IGrouping<string, SupportConversation> group in recent.Where(c => c.AccountId is not null && byId.ContainsKey(c.AccountId)).GroupBy(c => c.AccountId!))
        {
            int lastWeek = group.Count(c => c.StartedAt >= now.AddDays(-7) && c.Sentiment <= options.NegativeSentiment);
            double usualPerWeek = group.Count(c => c.StartedAt < now.AddDays(-7) && c.Sentiment <= options.NegativeSentiment) / 8.0;
            if (lastWeek >= options.SentimentSpikeMinimum && lastWeek >= 2 * usualPerWeek)
            {
                Account a = byId[group.Key];
                found.Add(new Candidate(AlertTriggers.SentimentSpike, a,
                    $"{lastWeek} negative support conversations from {a.Name} ({a.Id}) in the last 7 days (usually {usualPerWeek.ToString("0.#", CultureInfo.InvariantCulture)} a week).",
                    Week(now)));
            }
        }

        return found;
    }

    private static IEnumerable<Candidate> MissingData(IReadOnlyList<Account> accounts, DateOnly today)
    {
        string month = today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (Account a in accounts.Where(a => a.OwnerId is null))
        {
            yield return new Candidate(AlertTriggers.MissingData, a, $"{a.Name} ({a.Id}) has no owner: nobody hears about its risk. Assign one in the CRM or re-import accounts with an owner.", month);
        }
    }

    /// <summary>Routes, prioritises and stores the candidates; returns the alerts stored for immediate delivery.</summary>
    public async Task<IReadOnlyList<Alert>> RaiseAsync(IReadOnlyList<Candidate> candidates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? admin = await meta.GetAsync(WorkspaceKeys.AdminUser, cancellationToken);
        var dismissals = new Dictionary<string, IReadOnlyList<AlertDismissal>>(StringComparer.Ordinal);
        var immediate = new List<Alert>();
        foreach (Candidate c in candidates)
        {
            string? recipient = c.Trigger == AlertTriggers.MissingData ? admin : c.Account.OwnerId ?? admin;
            if (recipient is null)
            {
                continue;
            }

            if (!dismissals.TryGetValue(recipient, out IReadOnlyList<AlertDismissal>? mine))
            {
                mine = await alerts.ListDismissalsAsync(recipient, cancellationToken);
                dismissals[recipient] = mine;
            }

            int priority = Priority(c.Trigger, c.Account.Id, mine);
            var alert = new Alert(
                "A" + Guid.NewGuid().ToString("N")[..12], c.Trigger, c.Account.Id, recipient, priority, c.Summary,
                $"{c.Trigger}|{c.Account.Id}|{c.Period}", now,
                priority >= options.ImmediatePriority ? AlertDelivery.Pending : AlertDelivery.Digest);
            AlertRaise raised = await alerts.TryRaiseAsync(alert, options.MaxImmediatePerHour, cancellationToken);
            if (raised != AlertRaise.Duplicate)
            {
                CopilotTelemetry.CountAlert("raised", c.Trigger);
            }

            if (raised == AlertRaise.Raised && alert.Delivery == AlertDelivery.Pending)
            {
                immediate.Add(alert);
                if (delivery is not null)
                {
                    await delivery.EnqueueAsync(alert, cancellationToken);
                }
            }
        }

        return immediate;
    }

    /// <summary>
    /// The trigger's base priority, minus 3 when the user dismissed it for this account and minus 1 for every two other
    /// accounts they dismissed it for (at most 2): people who keep dismissing a kind of alert see less of it.
    /// </summary>
    public static int Priority(string trigger, string accountId, IReadOnlyList<AlertDismissal> dismissals)
    {
        int priority = AlertTriggers.BasePriority(trigger);
        var same = dismissals.Where(d => d.Trigger == trigger).ToList();
        if (same.Any(d => d.AccountId == accountId))
        {
            priority -= 3;
        }

        priority -= Math.Min(2, same.Count(d => d.AccountId != accountId) / 2);
        return Math.Max(1, priority);
    }

    private static DateTimeOffset Min(DateOnly day, DateTimeOffset now)
    {
        var end = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
        return end < now ? end : now;
    }

    private static string Week(DateTimeOffset now) =>
        $"{ISOWeek.GetYear(now.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(now.UtcDateTime):00}";
}
