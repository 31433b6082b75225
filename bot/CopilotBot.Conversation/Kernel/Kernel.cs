using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CopilotBot.Conversation.Kernel;

/// <summary>
/// Holds the plugins and invokes their functions through the invocation filters (authorization, confirmation,
/// audit, timing), as Semantic Kernel's kernel does. Every route to a function — embedded router, language model,
/// card button — goes through <see cref="InvokeAsync"/>, so no route can skip a filter.
/// </summary>
public sealed class Kernel
{
    private readonly Dictionary<string, KernelFunction> _byName = new(StringComparer.OrdinalIgnoreCase);

    public Kernel(IEnumerable<KernelPlugin> plugins, IEnumerable<IFunctionInvocationFilter> filters)
    {
        Plugins = plugins.ToList();
        FunctionInvocationFilters = filters.ToList();
        foreach (KernelFunction f in Plugins.SelectMany(p => p.Functions))
        {
            _byName[f.FullName] = f;
            _byName[f.ToolName] = f;
        }
    }

    public IReadOnlyList<KernelPlugin> Plugins { get; }

    public IReadOnlyList<IFunctionInvocationFilter> FunctionInvocationFilters { get; }

    public IEnumerable<KernelFunction> Functions => Plugins.SelectMany(p => p.Functions);

    public KernelFunction? Find(string name) => _byName.GetValueOrDefault(name);

    public async Task<FunctionInvocationContext> InvokeAsync(
        KernelFunction function,
        IDictionary<string, object?> arguments,
        CallerContext caller,
        InvocationSource source,
        CancellationToken cancellationToken)
    {
        var context = new FunctionInvocationContext(function, arguments, caller, source);
        Func<FunctionInvocationContext, Task> pipeline = ctx => CallAsync(ctx, cancellationToken);
        for (int i = FunctionInvocationFilters.Count - 1; i >= 0; i--)
        {
            IFunctionInvocationFilter filter = FunctionInvocationFilters[i];
            Func<FunctionInvocationContext, Task> next = pipeline;
            pipeline = ctx => filter.OnFunctionInvocationAsync(ctx, next);
        }

        var stopwatch = Stopwatch.StartNew();
        await pipeline(context);
        context.Elapsed = stopwatch.Elapsed;
        return context;
    }

    private static async Task CallAsync(FunctionInvocationContext context, CancellationToken cancellationToken)
    {
        var args = new AIFunctionArguments
        {
            Context = new Dictionary<object, object?> { [typeof(CallerContext)] = context.Caller },
        };
        foreach (System.Reflection.ParameterInfo p in context.Function.Parameters)
        {
            // Catalog arguments are snake_case (horizon_days); C# parameters are camelCase (horizonDays).
            string key = ArgumentKey(p.Name!);
            foreach ((string name, object? value) in context.Arguments)
            {
                if (ArgumentKey(name) == key)
                {
                    args[p.Name!] = value;
                }
            }
        }

        try
        {
            object? result = await context.Function.AIFunction.InvokeAsync(args, cancellationToken);
            context.Result = result as PluginResult ?? new PluginResult(result?.ToString() ?? string.Empty);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidCastException)
        {
            // The arguments did not fit the function (wrong type, missing value): an invalid-input outcome, not a crash.
            context.Exception = ex;
            context.Result = PluginResult.Refuse(
                $"I couldn't run {context.Function.FullName} with those details: {InputProblem(ex, context.Function)}");
        }
    }

    /// <summary>
    /// How an argument name binds to a parameter: case and underscores ignored (<c>horizon_days</c>, <c>horizonDays</c> and
    /// <c>HorizonDays</c> are one parameter). Filters that check arguments use the same key, so no spelling slips past them.
    /// </summary>
    public static string ArgumentKey(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static string InputProblem(Exception ex, KernelFunction function)
    {
        string? missing = function.Parameters.FirstOrDefault(p => !p.HasDefaultValue && ex.Message.Contains(p.Name!, StringComparison.Ordinal))?.Name;
        return missing is not null ? $"'{missing}' is missing or not valid." : "one of the values is not valid.";
    }
}
