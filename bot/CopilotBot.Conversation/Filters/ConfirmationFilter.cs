using System.Text.Json;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using Microsoft.SemanticKernel;

namespace CopilotBot.Conversation.Filters;

/// <summary>
/// A function with side effects proposed by a language model runs only after the user confirms it with a click;
/// the confirmation card carries the exact call, and the click comes back as a <see cref="InvocationSource.Confirmed"/> call
/// that passes every other filter again.
/// </summary>
public sealed class ConfirmationFilter : IFunctionInvocationFilter
{
    public const string ConfirmVerb = "confirm";

    public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        if (!context.Function.Policy().HasSideEffects || context.Kernel.Source() is InvocationSource.Confirmed or InvocationSource.System or InvocationSource.Router)
        {
            return next(context);
        }

        var arguments = context.Arguments.ToDictionary(a => a.Key, a => a.Value);
        string args = JsonSerializer.Serialize(arguments);
        string summary = string.Join(", ", arguments.Select(a => $"{a.Key} = {a.Value}"));
        string name = context.Function.CatalogName();
        var card = new Card(
            "Please confirm",
            [new CardText($"I'm about to run {name}" + (summary.Length > 0 ? $" with {summary}." : "."))],
            [
                new CardAction("Confirm", ConfirmVerb, new Dictionary<string, string> { ["function"] = name, ["arguments"] = args }, "positive"),
                new CardAction("Cancel", "cancel", new Dictionary<string, string>(), "destructive"),
            ])
        { FallbackText = "Confirm " + name };
        context.Result = new FunctionResult(
            context.Function,
            new PluginResult($"Shall I run {name}? Nothing happens until you confirm.") { Cards = [card], IsRefusal = true });
        return Task.CompletedTask;
    }
}
