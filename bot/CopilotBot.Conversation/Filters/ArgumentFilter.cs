using System.Text.Json;
using CopilotBot.Conversation.Functions;
using Microsoft.SemanticKernel;

namespace CopilotBot.Conversation.Filters;

/// <summary>
/// The innermost filter: binds catalog argument names to the function's parameters (<c>horizon_days</c> →
/// <c>horizonDays</c>, case and underscores ignored), drops arguments the function does not declare (a model's invented
/// <c>user</c> or <c>role</c> binds to nothing and is never obeyed), and turns arguments that do not fit (wrong type,
/// missing value) into a plain refusal instead of an error.
/// </summary>
public sealed class ArgumentFilter : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        IReadOnlyList<KernelParameterMetadata> parameters = context.Function.Metadata.Parameters;
        var byKey = parameters.ToDictionary(p => CopilotKernel.ArgumentKey(p.Name), p => p.Name, StringComparer.Ordinal);
        foreach (string name in context.Arguments.Names.ToList())
        {
            object? value = context.Arguments[name];
            context.Arguments.Remove(name);
            if (byKey.TryGetValue(CopilotKernel.ArgumentKey(name), out string? parameter))
            {
                context.Arguments[parameter] = value;
            }
        }

        try
        {
            await next(context);
        }
        catch (Exception ex) when (IsInputProblem(ex))
        {
            string? missing = parameters.FirstOrDefault(p => p.IsRequired && ex.ToString().Contains(p.Name, StringComparison.Ordinal))?.Name;
            string text = $"I couldn't run {context.Function.CatalogName()} with those details: "
                + (missing is not null ? $"'{missing}' is missing or not valid." : "one of the values is not valid.");
            context.Result = new FunctionResult(context.Function, PluginResult.Refuse(text) with { IsInvalidInput = true });
        }
    }

    private static bool IsInputProblem(Exception ex) =>
        ex is ArgumentException or JsonException or FormatException or InvalidCastException
        || (ex is KernelException && ex.InnerException is ArgumentException);
}
