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

public sealed record AgentDecision(AccountRisk Risk, AgentOutcome Outcome, string? InterventionId);

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
        foreach (AccountRisk r in eligible)
        {
            cancellationToken.ThrowIfCancellationRequested();
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
                        r.Account.Id, $"Follow up on retention email to {r.Account.Name}", today.AddDays(options.FollowUpDays),
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
