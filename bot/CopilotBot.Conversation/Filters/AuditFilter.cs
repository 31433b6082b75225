using System.Text.Json;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Conversation.Filters;

/// <summary>Every invocation goes to the tamper-evident audit log: caller, function, arguments, source and outcome.</summary>
public sealed class AuditFilter(IAuditLog audit) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        CallerContext caller = context.Kernel.Caller();
        var arguments = context.Arguments.ToDictionary(a => a.Key, a => a.Value);
        string outcome = "ok";
        try
        {
            await next(context);
            PluginResult result = CopilotKernel.ResultOf(context.Result);
            outcome = result.IsInvalidInput ? "invalid_input" : result.IsRefusal ? "refused" : "ok";
            if (outcome == "ok" && context.Function.Policy().HasSideEffects)
            {
                // From here the change is made: if the audit append or anything after it fails, the reply must not say otherwise.
                TurnLedger.Current.Value?.Ran(context.Function.CatalogName());
            }
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            string details = JsonSerializer.Serialize(new
            {
                arguments,
                source = context.Kernel.Source().ToString().ToLowerInvariant(),
                channel = caller.Channel,
                outcome,
            });
            string? account = arguments.FirstOrDefault(a => CopilotKernel.ArgumentKey(a.Key) == "account").Value?.ToString();
            await audit.AppendAsync(
                caller.User.Id, "invoke " + context.Function.CatalogName(), account, details, caller.Now, CancellationToken.None);
        }
    }
}
