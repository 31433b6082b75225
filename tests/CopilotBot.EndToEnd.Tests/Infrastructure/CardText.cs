using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>Reads what a reply from <c>POST /api/ask</c> shows, to compare it with what a client rendered.</summary>
public static partial class CardText
{
    /// <summary>The "Name (P10001)" labels in the reply's first card, in the order the card shows them.</summary>
    public static IReadOnlyList<string> AccountLabels(JsonObject askReply)
    {
        var labels = new List<string>();
        if (askReply["cards"] is JsonArray { Count: > 0 } cards)
        {
            Collect(cards[0], labels);
        }

        return labels.Distinct().ToList();
    }

    public static (string Name, string Id) Split(string label)
    {
        Match m = AccountLabel().Match(label);
        return (m.Groups["name"].Value, m.Groups["id"].Value);
    }

    /// <summary>Asserts that <paramref name="expected"/> appear in <paramref name="rendered"/> in the same order.</summary>
    public static void AssertInOrder(IReadOnlyList<string> expected, string rendered, string what)
    {
        int at = 0;
        foreach (string label in expected)
        {
            int found = rendered.IndexOf(label, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"{what}: \"{label}\" is not shown (after position {at}). Rendered text:\n{rendered}");
            at = found + label.Length;
        }
    }

    private static void Collect(JsonNode? node, List<string> labels)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string _, JsonNode? child) in obj)
                {
                    Collect(child, labels);
                }

                break;
            case JsonArray array:
                foreach (JsonNode? child in array)
                {
                    Collect(child, labels);
                }

                break;
            case JsonValue value when value.TryGetValue(out string? text) && AccountLabel().IsMatch(text):
                labels.Add(text);
                break;
        }
    }

    [GeneratedRegex(@"^(?<name>.+) \((?<id>P\d{5})\)$")]
    private static partial Regex AccountLabel();
}
