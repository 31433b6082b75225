using System.Text.Json;
using CopilotBot.Conversation.Kernel;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Conversation.Filters;

/// <summary>Every invocation goes to the tamper-evident audit log: caller, function, arguments, source and outcome.</summary>
public sealed class AuditFilter(IAuditLog audit) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        string outcome = "ok";
        try
        {
            await next(context);
            outcome = context.Result?.IsRefusal == true ? "refused" : context.Exception is not null ? "invalid_input" : "ok";
            if (outcome == "ok" && context.Function.HasSideEffects)
            {
                // From here the change is made: if the audit append or anything after it fails, the reply must not say otherwise.
                TurnLedger.Current.Value?.Ran(context.Function.FullName);
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
                arguments = context.Arguments,
                source = context.Source.ToString().ToLowerInvariant(),
                channel = context.Caller.Channel,
                outcome,
            });
            context.Arguments.TryGetValue("account", out object? account);
            await audit.AppendAsync(
                context.Caller.User.Id, "invoke " + context.Function.FullName, account?.ToString(), details, context.Caller.Now, CancellationToken.None);
        }
    }
}
