using System.Diagnostics;
using CopilotBot.Conversation.Kernel;

namespace CopilotBot.Conversation.Filters;

/// <summary>Times each call and records it as a span on the conversation's activity source.</summary>
public sealed class TimingFilter : IFunctionInvocationFilter
{
    public static readonly ActivitySource Source = new("CopilotBot.Conversation");

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        using Activity? activity = Source.StartActivity("invoke " + context.Function.FullName);
        activity?.SetTag("copilot.function", context.Function.FullName);
        activity?.SetTag("copilot.source", context.Source.ToString());
        var stopwatch = Stopwatch.StartNew();
        await next(context);
        context.Elapsed = stopwatch.Elapsed;
        activity?.SetTag("copilot.outcome", context.Result?.IsRefusal == true ? "refused" : "ok");
    }
}
