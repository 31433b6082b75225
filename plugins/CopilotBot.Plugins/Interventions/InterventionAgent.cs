using System.Text.Json;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Crm;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Interventions;

/// <summary>What one run did (or, in a dry run, would do) for each eligible account.</summary>
public sealed record AgentRunReport(bool DryRun, bool Stopped, IReadOnlyList<AgentDecision> Decisions)
{
    public int Acted => Decisions.Count(d => d.Outcome == AgentOutcome.Acted);

    public int QueuedForApproval => Decisions.Count(d => d.Outcome == AgentOutcome.QueuedForApproval);
}

/// <param name="Resumed">True when this run finished an intervention an interrupted run had created (no new intervention).</param>
public sealed record AgentDecision(AccountRisk Risk, AgentOutcome Outcome, string? InterventionId, bool Resumed = false);

public enum AgentOutcome
{
    Acted,
    QueuedForApproval,
    WouldAct,
    WouldQueueForApproval,
    SkippedRecentIntervention,
    SkippedRateLimit,
}

/// <summary>
/// The intervention agent: for each account above the risk threshold, explanation → draft → intervention (pending) →
/// follow-up task → audit. Platinum accounts only ever get an approval request. The guardrails (rate, cooldown) are
/// checked by the store inside one write transaction, so concurrent runs and restarts cannot exceed them.
/// </summary>
public sealed class InterventionAgent(
    IChurnRiskProvider risk,
    DraftWriter drafts,
    IInterventionStore interventions,
    ICrmClient crm,
    IAuditLog audit,
    IWorkspaceMeta meta,
    AgentOptions options,
    IApprovalNotifier? notifier = null)
{
    public const string EnabledKey = "agent.enabled";
    public const string ThresholdKey = "agent.threshold";
    public const string MaxPerHourKey = "agent.max_per_hour";

    /// <summary>The limits in force: the configured ones, unless an admin changed them (kept in the workspace).</summary>
    public async Task<AgentOptions> EffectiveOptionsAsync(CancellationToken cancellationToken)
    {
        AgentOptions effective = options;
        if (double.TryParse(await meta.GetAsync(ThresholdKey, cancellationToken), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t))
        {
            effective = effective with { RiskThreshold = t };
        }

        if (int.TryParse(await meta.GetAsync(MaxPerHourKey, cancellationToken), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int m))
        {
            effective = effective with { MaxPerHour = m };
        }

        return effective;
    }

    public async Task<bool> IsStoppedAsync(CancellationToken cancellationToken) =>
        await meta.GetAsync(EnabledKey, cancellationToken) == "false";

    public async Task SetStoppedAsync(bool stopped, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await meta.SetAsync(EnabledKey, stopped ? "false" : "true", cancellationToken);
        await audit.AppendAsync(actor, stopped ? "agent.stop" : "agent.start", null, null, at, cancellationToken);
    }

    public async Task SetLimitAsync(string key, string value, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await meta.SetAsync(key, value, cancellationToken);
        await audit.AppendAsync(actor, "agent.set", key, value, at, cancellationToken);
    }

    public async Task<AgentRunReport> RunAsync(string requestedBy, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        if (!dryRun && await IsStoppedAsync(cancellationToken))
        {
            return new AgentRunReport(dryRun, true, []);
        }

        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        AgentOptions options = await EffectiveOptionsAsync(cancellationToken);
        var eligible = (await risk.ScoreAsync(cancellationToken))
            .Where(r => r.Probability >= options.RiskThreshold)
            .OrderBy(r => r.Urgency).ThenByDescending(r => r.ArrAtRisk)
            .ToList();
        var existing = (await interventions.ListAsync(null, cancellationToken))
            .Where(i => i.CreatedAt > now.AddDays(-options.CooldownDays)).Select(i => i.AccountId).ToHashSet();
        var decisions = new List<AgentDecision>();
        var resumed = new HashSet<string>(StringComparer.Ordinal);
        if (!dryRun)
        {
            await ResumeUnfinishedAsync(requestedBy, now, options, decisions, resumed, cancellationToken);
        }

        foreach (AccountRisk r in eligible)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (resumed.Contains(r.Account.Id))
            {
                continue;
            }

            bool platinum = r.Account.Tier == Tier.Platinum;
            if (dryRun)
            {
                decisions.Add(new AgentDecision(r, existing.Contains(r.Account.Id) ? AgentOutcome.SkippedRecentIntervention
                    : platinum ? AgentOutcome.WouldQueueForApproval : AgentOutcome.WouldAct, null));
                continue;
            }

            Draft draft = await drafts.WriteAsync(r.Account, r, "email", today, cancellationToken);
            var intervention = new Intervention(
                "I" + Guid.NewGuid().ToString("N")[..10], r.Account.Id, "email",
                platinum ? InterventionStatus.PendingApproval : InterventionStatus.Pending,
                Math.Round(r.Probability, 4), now, AgentOptions.ActorId, draft.Body, null, null);
            GuardedCreate result = await interventions.TryCreateAsync(
                intervention, platinum ? int.MaxValue : options.MaxPerHour, options.CooldownDays, cancellationToken);
            string details = JsonSerializer.Serialize(new { risk = Math.Round(r.Probability, 4), urgency = r.Urgency.ToString(), requested_by = requestedBy, drivers = r.Drivers.Where(d => d.Points > 0).Take(3).Select(d => d.Text) });
            switch (result)
            {
                case GuardedCreate.Created when platinum:
                    await audit.AppendAsync(AgentOptions.ActorId, "agent.approval_requested", r.Account.Id, details, now, cancellationToken);
                    CopilotTelemetry.CountIntervention("created", "agent");
                    CopilotTelemetry.CountApproval("requested");
                    await NotifyAsync(intervention, r, now, cancellationToken);
                    decisions.Add(new AgentDecision(r, AgentOutcome.QueuedForApproval, intervention.Id));
                    break;
                case GuardedCreate.Created:
                    CrmTask task = await crm.CreateTaskAsync(
                        r.Account.Id, FollowUpTitle(r.Account), today.AddDays(options.FollowUpDays),
                        r.Account.OwnerId ?? requestedBy, AgentOptions.ActorId, now, cancellationToken);
                    await audit.AppendAsync(AgentOptions.ActorId, "agent.intervention", r.Account.Id, details + $" task {task.Id} intervention {intervention.Id}", now, cancellationToken);
                    CopilotTelemetry.CountIntervention("created", "agent");
                    CopilotTelemetry.CountIntervention("sent", "agent");
                    decisions.Add(new AgentDecision(r, AgentOutcome.Acted, intervention.Id));
                    break;
                case GuardedCreate.Duplicate:
                    decisions.Add(new AgentDecision(r, AgentOutcome.SkippedRecentIntervention, null));
                    break;
                default:
                    await audit.AppendAsync(AgentOptions.ActorId, "agent.rate_limited", r.Account.Id, details, now, cancellationToken);
                    decisions.Add(new AgentDecision(r, AgentOutcome.SkippedRateLimit, null));
                    break;
            }
        }

        return new AgentRunReport(dryRun, false, decisions);
    }

    private static string FollowUpTitle(Account account) => $"Follow up on retention email to {account.Name}";

    /// <summary>
    /// Finishes what a run that died mid-account left undone. Per account the agent commits the intervention first (the
    /// guarded create: that is what the cap and the cooldown count), then the follow-up task, then the audit entry; a run
    /// killed between those steps leaves an intervention without its audit entry. The next run completes it — the task
    /// only if the CRM has none for it yet, then the audit entry — and never creates a second intervention for the account.
    /// </summary>
    private async Task ResumeUnfinishedAsync(
        string requestedBy, DateTimeOffset now, AgentOptions options, List<AgentDecision> decisions, HashSet<string> resumed, CancellationToken cancellationToken)
    {
        DateTimeOffset windowStart = now.AddDays(-options.CooldownDays);
        var candidates = (await interventions.ListAsync(null, cancellationToken))
            .Where(i => i.CreatedBy == AgentOptions.ActorId && i.CreatedAt > windowStart && i.CreatedAt <= now - options.ResumeAfter
                && i.Status is InterventionStatus.Pending or InterventionStatus.PendingApproval)
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        DateTimeOffset from = candidates.Min(i => i.CreatedAt);
        var finished = (await audit.ReadAsync(from, null, cancellationToken))
            .Where(e => e.Actor == AgentOptions.ActorId && e.Action is "agent.intervention" or "agent.approval_requested" && e.Target is not null)
            .GroupBy(e => e.Target!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(e => e.At), StringComparer.Ordinal);
        Dictionary<string, AccountRisk>? risks = null;
        foreach (Intervention i in candidates.OrderBy(i => i.CreatedAt))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (finished.TryGetValue(i.AccountId, out DateTimeOffset at) && at >= i.CreatedAt)
            {
                continue;
            }

            risks ??= (await risk.ScoreAsync(cancellationToken)).ToDictionary(r => r.Account.Id, StringComparer.Ordinal);
            if (!risks.TryGetValue(i.AccountId, out AccountRisk? r))
            {
                continue;
            }

            string details = JsonSerializer.Serialize(new { risk = i.Risk, urgency = r.Urgency.ToString(), requested_by = requestedBy, resumed = true, drivers = r.Drivers.Where(d => d.Points > 0).Take(3).Select(d => d.Text) });
            bool approval = i.Status == InterventionStatus.PendingApproval || i.DecidedBy is not null;
            if (approval)
            {
                await audit.AppendAsync(AgentOptions.ActorId, "agent.approval_requested", i.AccountId, details + $" intervention {i.Id}", now, cancellationToken);
                if (i.Status == InterventionStatus.PendingApproval)
                {
                    await NotifyAsync(i, r, now, cancellationToken);
                }

                decisions.Add(new AgentDecision(r, AgentOutcome.QueuedForApproval, i.Id, Resumed: true));
            }
            else
            {
                // The task may already exist if the run died between the task and the audit entry: never a second one.
                CrmTask? task = (await crm.ListTasksAsync(null, i.AccountId, null, cancellationToken))
                    .FirstOrDefault(t => t.CreatedBy == AgentOptions.ActorId && t.Title == FollowUpTitle(r.Account) && t.CreatedAt >= i.CreatedAt);
                task ??= await crm.CreateTaskAsync(
                    i.AccountId, FollowUpTitle(r.Account), DateOnly.FromDateTime(i.CreatedAt.UtcDateTime).AddDays(options.FollowUpDays),
                    r.Account.OwnerId ?? requestedBy, AgentOptions.ActorId, now, cancellationToken);
                await audit.AppendAsync(AgentOptions.ActorId, "agent.intervention", i.AccountId, details + $" task {task.Id} intervention {i.Id}", now, cancellationToken);
                decisions.Add(new AgentDecision(r, AgentOutcome.Acted, i.Id, Resumed: true));
            }

            resumed.Add(i.AccountId);
        }
    }

    /// <summary>Puts the request in front of the approvers; if that fails the request still waits in the queue.</summary>
    private async Task NotifyAsync(Intervention request, AccountRisk r, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (notifier is null)
        {
            return;
        }

        try
        {
            await notifier.RequestedAsync(request, ApprovalCards.Request(request, r.Account, r), AgentOptions.ActorId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await audit.AppendAsync(AgentOptions.ActorId, "agent.approval_notify_failed", r.Account.Id, ex.GetType().Name, now, cancellationToken);
        }
    }
}
