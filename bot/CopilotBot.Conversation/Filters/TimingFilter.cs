using System.Diagnostics;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace;
using Microsoft.SemanticKernel;

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
        string name = context.Function.CatalogName();
        InvocationSource source = context.Kernel.Source();
        using Activity? activity = Source.StartActivity("invoke " + name);
        activity?.SetTag("copilot.function", name);
        activity?.SetTag("copilot.source", source.ToString());
        string outcome = "error";
        try
        {
            await next(context);
            outcome = CopilotKernel.ResultOf(context.Result).IsRefusal ? "refused" : "ok";
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
            activity?.SetTag("copilot.outcome", outcome);
            CopilotTelemetry.ToolCalls.Add(
                1,
                new KeyValuePair<string, object?>("copilot.function", name),
                new KeyValuePair<string, object?>("copilot.outcome", outcome),
                new KeyValuePair<string, object?>("copilot.source", source.ToString()));
        }
    }
}
