using System.Globalization;
using System.Text.Json;

namespace CopilotBot.Memory.Bench.Evaluation;

/// <summary>
/// Reads TwACS (real airline support conversations on Twitter; CC BY-NC-SA 4.0, tests and benchmarks only) from
/// ../shared/data (the benches only; the tests read a small fixture). The intent label becomes the conversation's topic; there are no accounts in the source.
/// </summary>
public static class Twacs
{
    public const string File = "twacs-conversations.jsonl";

    /// <summary>The 14 intent labels (topics) of the labelled conversations.</summary>
    public static readonly IReadOnlyList<string> Intents =
    [
        "OTHER", "DELAY", "BAGGAGE", "INFLIGHTENT", "TERMOPS", "INFLIGHTFACS", "FLIGHTSTAFF", "BOOKFLT", "CHECKIN", "CUSTSUPP",
        "REWARDS", "CHGFLT", "TERMFACS", "NEWFEAT",
    ];

    public static IEnumerable<SupportConversation> Load(string? path = null)
    {
        foreach (string line in System.IO.File.ReadLines(path ?? SharedData.Path(File)))
        {
            if (line.Length > 0)
            {
                yield return Parse(line);
            }
        }
    }

    public static SupportConversation Parse(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        var turns = root.GetProperty("turns").EnumerateArray()
            .Select(t => new ConversationTurn(
                t.GetProperty("speaker").GetString() == "agent" ? Speaker.Agent : Speaker.Customer,
                t.GetProperty("text").GetString() ?? string.Empty))
            .ToList();
        return new SupportConversation(
            root.GetProperty("conversation_id").GetString()!,
            null,
            DateTimeOffset.Parse(root.GetProperty("synthetic_start_utc").GetString()!, CultureInfo.InvariantCulture),
            root.GetProperty("intent").ValueKind == JsonValueKind.String ? root.GetProperty("intent").GetString() : null,
            null,
            turns);
    }

    /// <summary>The query a user would ask: the conversation's first customer turn.</summary>
    public static string FirstCustomerTurn(SupportConversation conversation) =>
        conversation.Turns.First(t => t.Speaker == Speaker.Customer).Text;
}
