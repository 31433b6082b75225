using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CopilotBot.Workspace;

/// <summary>
/// The product's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>CopilotBot</c>. One name for
/// every layer (channel, turn, router, kernel function, store, language model, connector) keeps the host's wiring to a
/// single <c>AddSource</c>/<c>AddMeter</c>; span names say the layer (<c>channel msteams</c>, <c>turn</c>,
/// <c>route embedded</c>, <c>invoke churn.at_risk</c>, <c>store IAccountStore.GetAsync</c>, <c>chat gpt-4o</c>,
/// <c>connector send</c>). It lives here, in the lowest project every layer references; libraries use only
/// <c>System.Diagnostics</c>, the host alone wires the OpenTelemetry SDK. Attributes carry names, kinds, counts and
/// outcomes — never the user's words, replies, prompts, ticket text or secrets.
/// </summary>
public static class CopilotTelemetry
{
    public const string Name = "CopilotBot";

    public static readonly ActivitySource Source = new(Name, typeof(CopilotTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(CopilotTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Seconds from a turn's arrival at the agent to its reply; tags <c>copilot.channel</c>, <c>copilot.tool</c>.</summary>
    public static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>(
        "copilot.turn.duration", "s", "Time from a turn reaching the agent to its reply.");

    /// <summary>Kernel function calls; tags <c>copilot.function</c>, <c>copilot.outcome</c> (ok, refused, error), <c>copilot.source</c>.</summary>
    public static readonly Counter<long> ToolCalls = Meter.CreateCounter<long>(
        "copilot.tool.calls", "{call}", "Kernel function invocations by function and outcome.");

    /// <summary>Failures; tag <c>copilot.error.kind</c> (turn, function, llm, connector, alert_delivery, background).</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "copilot.errors", "{error}", "Failures by where they happened.");

    /// <summary>Interventions; tags <c>copilot.event</c> (created, sent), <c>copilot.actor</c> (user, agent).</summary>
    public static readonly Counter<long> Interventions = Meter.CreateCounter<long>(
        "copilot.interventions", "{intervention}", "Interventions created and sent.");

    /// <summary>Approvals; tag <c>copilot.event</c> (requested, approved, rejected).</summary>
    public static readonly Counter<long> Approvals = Meter.CreateCounter<long>(
        "copilot.approvals", "{approval}", "Approval requests and decisions.");

    /// <summary>Alerts; tags <c>copilot.event</c> (raised, delivered, digest, digested), <c>copilot.alert.trigger</c> on raised.</summary>
    public static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "copilot.alerts", "{alert}", "Alerts raised and delivered.");

    /// <summary>Counts one error of <paramref name="kind"/> and marks the current span as failed with the exception's type only.</summary>
    public static void RecordError(string kind, Exception? exception = null, Activity? activity = null)
    {
        Errors.Add(1, new KeyValuePair<string, object?>("copilot.error.kind", kind));
        activity ??= Activity.Current;
        if (activity is not null)
        {
            // The type, not the message: messages can quote input or a provider's error body.
            activity.SetStatus(ActivityStatusCode.Error, exception?.GetType().Name ?? kind);
            if (exception is not null)
            {
                activity.SetTag("error.type", exception.GetType().FullName);
            }
        }
    }

    public static void CountIntervention(string @event, string actor) =>
        Interventions.Add(1, new KeyValuePair<string, object?>("copilot.event", @event), new KeyValuePair<string, object?>("copilot.actor", actor));

    public static void CountApproval(string @event) =>
        Approvals.Add(1, new KeyValuePair<string, object?>("copilot.event", @event));

    public static void CountAlert(string @event, string? trigger = null)
    {
        if (trigger is null)
        {
            Alerts.Add(1, new KeyValuePair<string, object?>("copilot.event", @event));
        }
        else
        {
            Alerts.Add(1, new KeyValuePair<string, object?>("copilot.event", @event), new KeyValuePair<string, object?>("copilot.alert.trigger", trigger));
        }
    }
}
