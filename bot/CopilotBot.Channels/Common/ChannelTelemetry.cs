using System.Diagnostics;
using CopilotBot.Workspace;

namespace CopilotBot.Channels.Common;

/// <summary>
/// The channel layer's spans on <see cref="CopilotTelemetry.Source"/>: <c>channel {name}</c> for one inbound activity's
/// turn (the agent's <c>turn</c> span and the outbound reply are its children) and <c>connector {name} {operation}</c>
/// for each call back to the channel. Only ids, kinds and statuses are recorded — never message text.
/// </summary>
public static class ChannelTelemetry
{
    /// <summary>Starts the span for one inbound activity's turn on <paramref name="channel"/> (msteams, slack, directline, web).</summary>
    public static Activity? StartTurn(string channel, string kind)
    {
        Activity? span = CopilotTelemetry.Source.StartActivity("channel " + channel, ActivityKind.Internal);
        span?.SetTag("copilot.channel", channel);
        span?.SetTag("copilot.activity.kind", kind);
        return span;
    }

    /// <summary>Starts the span for one outbound call to the channel's service (a reply, an update, a typing indicator).</summary>
    public static Activity? StartConnector(string connector, string operation)
    {
        Activity? span = CopilotTelemetry.Source.StartActivity("connector " + connector + " " + operation, ActivityKind.Client);
        span?.SetTag("copilot.connector", connector);
        span?.SetTag("copilot.connector.operation", operation);
        return span;
    }

    /// <summary>Marks a channel or connector span as failed and counts the error under <paramref name="kind"/>.</summary>
    public static void Fail(Activity? span, string kind, Exception exception) => CopilotTelemetry.RecordError(kind, exception, span);
}
