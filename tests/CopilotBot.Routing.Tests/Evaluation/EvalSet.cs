using System.Text.Json;

namespace CopilotBot.Routing.Tests.Evaluation;

/// <summary>One turn of an evaluation case: the text, the expected tool (null = out of scope), key arguments,
/// the accounts the bot would show after it (for "the second one"), and an expected kind when not Routed.</summary>
public sealed record EvalTurn(string Text, string? Tool, IReadOnlyDictionary<string, JsonElement> Arguments, IReadOnlyList<string> Shown, string? Kind);

/// <summary>A single question, or a conversation when it has more than one turn.</summary>
public sealed record EvalCase(int Line, IReadOnlyList<EvalTurn> Turns)
{
    public bool IsConversation => Turns.Count > 1;
}

/// <summary>Reads Data/eval.jsonl: <c>{text, tool, arguments}</c> per line, or <c>{turns:[…]}</c> for conversations.</summary>
public static class EvalSet
{
    public static readonly DateOnly Now = new(2026, 2, 5);

    public static List<EvalCase> Load(string path)
    {
        var cases = new List<EvalCase>();
        int line = 0;
        foreach (string json in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(json))
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            List<EvalTurn> turns = root.TryGetProperty("turns", out JsonElement list)
                ? [.. list.EnumerateArray().Select(ReadTurn)]
                : [ReadTurn(root)];
            cases.Add(new EvalCase(line, turns));
        }

        return cases;
    }

    private static EvalTurn ReadTurn(JsonElement element)
    {
        string text = element.GetProperty("text").GetString() ?? string.Empty;
        string? tool = element.TryGetProperty("tool", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var arguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (element.TryGetProperty("arguments", out JsonElement args))
        {
            foreach (JsonProperty property in args.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        IReadOnlyList<string> shown = element.TryGetProperty("shown", out JsonElement s)
            ? [.. s.EnumerateArray().Select(static e => e.GetString() ?? string.Empty)]
            : [];
        string? kind = element.TryGetProperty("kind", out JsonElement k) ? k.GetString() : null;
        return new EvalTurn(text, tool, arguments, shown, kind);
    }
}
