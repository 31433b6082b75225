namespace CopilotBot.Conversation.Kernel;

/// <summary>Everything a filter sees about one call: the function, its arguments, who called, and (afterwards) the result.</summary>
public sealed class FunctionInvocationContext(KernelFunction function, IDictionary<string, object?> arguments, CallerContext caller, InvocationSource source)
{
    public KernelFunction Function { get; } = function;

    public IDictionary<string, object?> Arguments { get; } = arguments;

    public CallerContext Caller { get; } = caller;

    public InvocationSource Source { get; } = source;

    /// <summary>Set by a filter (or by the function) to end the call with this result.</summary>
    public PluginResult? Result { get; set; }

    public Exception? Exception { get; set; }

    public TimeSpan Elapsed { get; set; }
}

/// <summary>How a call was decided: by the user explicitly (a button, a confirmed request), by the embedded router, or by a model.</summary>
public enum InvocationSource
{
    Router,
    Model,
    Confirmed,
    System,
}

/// <summary>A step around every function call, as in Semantic Kernel: call <c>next</c> to continue, or set a result to stop.</summary>
public interface IFunctionInvocationFilter
{
    Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next);
}
