using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Conversation.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace CopilotBot.Llm;

/// <summary>
/// The limits of one turn's model loop, as Semantic Kernel's auto function invocation filter: a button-only function is
/// refused to a model even if it names one it was not offered; at most <see cref="LlmOptions.MaxCallsPerRound"/> calls run
/// per round; after <see cref="LlmOptions.MaxToolRounds"/> rounds no call runs and the loop stops, so the model answers in
/// words (the router asks it once more with tool choice "none"). Every call still goes through the kernel's invocation
/// filters (authorization, confirmation, audit, timing). The model reads a function's text and data, never its cards,
/// capped in size and, when configured, with PII masked; the person gets the cards (<see cref="ModelTurn"/>).
/// </summary>
internal sealed class ModelCallFilter(LlmOptions options, ModelTurn turn, bool maskPii, ILogger logger) : IAutoFunctionInvocationFilter
{
    internal const int MaxToolResultChars = 12_000;

    // Relaxed escaping keeps names and quotes readable to the model; the content still travels as a JSON string.
    private static readonly JsonSerializerOptions ToolJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        string tool = context.Function.PluginName + "-" + context.Function.Name;
        if (context.Function.Policy().ButtonOnly)
        {
            Answer(context, $"error: {tool} can only be run by the user's own click. Tell the user how to do it instead.");
            return;
        }

        if (context.RequestSequenceIndex >= options.MaxToolRounds)
        {
            turn.RoundLimitReached = true;
            Answer(context, "error: no more tool calls in this turn. Answer the user with what you have.");
            context.Terminate = context.FunctionSequenceIndex == context.FunctionCount - 1;
            return;
        }

        if (context.FunctionSequenceIndex >= options.MaxCallsPerRound)
        {
            Answer(context, $"error: at most {options.MaxCallsPerRound} tool calls run at once; this one was not run.");
            return;
        }

        PluginResult result;
        try
        {
            await next(context);
            result = CopilotKernel.ResultOf(context.Result);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The plugin failed: the model hears that it failed (not why — exception text is internal) and can answer around it.
            logger.LogError(ex, "{Function} failed when called by the language model.", context.Function.CatalogName());
            Answer(context, $"error: {tool} failed while running. Tell the user it isn't available right now, or try another tool.");
            return;
        }

        turn.Record(context.Function, context.Arguments, result);
        string json = ToolResultJson(result);
        Answer(context, maskPii ? MaskJsonStrings(json) : json);

        // The last round's calls have run: stop the loop here, and the router asks for the answer in words.
        if (context.RequestSequenceIndex >= options.MaxToolRounds - 1 && context.FunctionSequenceIndex == context.FunctionCount - 1)
        {
            turn.RoundLimitReached = true;
            context.Terminate = true;
        }
    }

    private static void Answer(AutoFunctionInvocationContext context, string text) =>
        context.Result = new FunctionResult(context.Function, text);

    /// <summary>
    /// The tool result the model reads: plugin text and data, JSON-encoded. It is data (it may quote customers' tickets),
    /// so it goes in a tool message and never into the system prompt.
    /// </summary>
    internal static string ToolResultJson(PluginResult result)
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(new ToolResult(result.Text, result.Data, result.IsRefusal), ToolJson);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            json = JsonSerializer.Serialize(new ToolResult(result.Text, null, result.IsRefusal), ToolJson);
        }

        // A huge result would crowd out the conversation (or exceed the context): the text alone is enough to answer.
        return json.Length <= MaxToolResultChars
            ? json
            : JsonSerializer.Serialize(new ToolResult(Truncate(result.Text, MaxToolResultChars / 2), null, result.IsRefusal), ToolJson);
    }

    /// <summary>
    /// A tool result with PII masked in every string value (text, snippets, names), never in keys or numbers, so it stays
    /// the same JSON shape. Only the model's copy is masked; the reply the user sees keeps the original.
    /// </summary>
    internal static string MaskJsonStrings(string json)
    {
        JsonNode? node = JsonNode.Parse(json);
        return node is null ? json : Mask(node)!.ToJsonString(ToolJson);

        static JsonNode? Mask(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Mask(p.Value)))),
            JsonArray array => new JsonArray(array.Select(Mask).ToArray()),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(PiiMasker.Mask(value.GetValue<string>())),
            _ => node?.DeepClone(),
        };
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private sealed record ToolResult(string Text, object? Data, bool Refused);
}

/// <summary>What one turn's tool calls produced, gathered across rounds and parallel calls.</summary>
internal sealed class ModelTurn
{
    private readonly List<Card> _cards = [];
    private readonly List<Conversation.Evidence> _evidence = [];
    private readonly List<string> _accountsShown = [];
    private readonly List<string> _texts = [];
    private bool _toolSucceeded;

    public string? Tool { get; private set; }

    public IReadOnlyDictionary<string, object?> Arguments { get; private set; } = new Dictionary<string, object?>();

    public IReadOnlyList<Card> Cards => _cards;

    public IReadOnlyList<Conversation.Evidence> Evidence => _evidence;

    public IReadOnlyList<string> AccountsShown => _accountsShown;

    /// <summary>True once the model used its last round of tool calls; the router then asks for words only.</summary>
    public bool RoundLimitReached { get; set; }

    public void Record(KernelFunction function, KernelArguments? arguments, PluginResult result)
    {
        // The reply names the first call that did something; a refused first call (a confirmation card, no access)
        // is named only until a successful one comes along.
        if (Tool is null || (!_toolSucceeded && !result.IsRefusal))
        {
            Tool = function.CatalogName();
            Arguments = arguments?.ToDictionary(a => a.Key, a => a.Value) ?? [];
            _toolSucceeded = !result.IsRefusal;
        }

        _cards.AddRange(result.Cards);
        _evidence.AddRange(result.Evidence);
        foreach (string id in result.AccountsShown)
        {
            if (!_accountsShown.Contains(id, StringComparer.OrdinalIgnoreCase))
            {
                _accountsShown.Add(id);
            }
        }

        if (!string.IsNullOrWhiteSpace(result.Text))
        {
            _texts.Add(result.Text.Trim());
        }
    }

    public string ResultText() => string.Join("\n\n", _texts);
}
