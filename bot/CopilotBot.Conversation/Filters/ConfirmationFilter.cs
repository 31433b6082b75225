using System.Text.Json;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Kernel;

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
        if (!context.Function.HasSideEffects || context.Source is InvocationSource.Confirmed or InvocationSource.System or InvocationSource.Router)
        {
            return next(context);
        }

        string args = JsonSerializer.Serialize(context.Arguments);
        string summary = string.Join(", ", context.Arguments.Select(a => $"{a.Key} = {a.Value}"));
        var card = new Card(
            "Please confirm",
            [new CardText($"I'm about to run {context.Function.FullName}" + (summary.Length > 0 ? $" with {summary}." : "."))],
            [
                new CardAction("Confirm", ConfirmVerb, new Dictionary<string, string> { ["function"] = context.Function.FullName, ["arguments"] = args }, "positive"),
                new CardAction("Cancel", "cancel", new Dictionary<string, string>(), "destructive"),
            ])
        { FallbackText = "Confirm " + context.Function.FullName };
        context.Result = new PluginResult($"Shall I run {context.Function.FullName}? Nothing happens until you confirm.") { Cards = [card], IsRefusal = true };
        return Task.CompletedTask;
    }
}
