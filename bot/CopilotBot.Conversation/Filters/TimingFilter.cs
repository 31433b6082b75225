using System.Diagnostics;
using CopilotBot.Conversation.Kernel;
using CopilotBot.Workspace;

namespace CopilotBot.Conversation.Filters;

/// <summary>
/// Times each call, records it as a span <c>invoke {plugin.function}</c> on <see cref="CopilotTelemetry.Source"/> and counts
/// it in <c>copilot.tool.calls</c> by function and outcome (ok, refused, error). Arguments are not recorded: they can
/// hold what the user typed.
/// </summary>
public sealed class TimingFilter : IFunctionInvocationFilter
{
    public static ActivitySource Source => CopilotTelemetry.Source;

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        using Activity? activity = Source.StartActivity("invoke " + context.Function.FullName);
        activity?.SetTag("copilot.function", context.Function.FullName);
        activity?.SetTag("copilot.source", context.Source.ToString());
        var stopwatch = Stopwatch.StartNew();
        string outcome = "error";
        try
        {
            await next(context);
            outcome = context.Result?.IsRefusal == true ? "refused" : "ok";
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch (Exception ex)
        {
            CopilotTelemetry.RecordError("function", ex, activity);
            throw;
        }
        finally
        {
            context.Elapsed = stopwatch.Elapsed;
            activity?.SetTag("copilot.outcome", outcome);
            CopilotTelemetry.ToolCalls.Add(
                1,
                new KeyValuePair<string, object?>("copilot.function", context.Function.FullName),
                new KeyValuePair<string, object?>("copilot.outcome", outcome),
                new KeyValuePair<string, object?>("copilot.source", context.Source.ToString()));
        }
    }
}
