using System.Text.RegularExpressions;

namespace CopilotBot.Conversation.Grounding;

/// <summary>
/// A language model's short text about material the plugin hands it (quoted conversations with their ids). Implemented
/// over the configured chat model (<c>Llm:*</c>); absent on the embedded default, where answers stay extractive.
/// </summary>
public interface IGroundedWriter
{
    /// <summary>The model's text, or null when it failed, refused or ran out of its time budget (the answer goes on without it).</summary>
    Task<string?> WriteAsync(string instructions, string material, CancellationToken cancellationToken);
}

/// <summary>
/// Keeps what a model wrote only where it stands on the evidence: a sentence stays when it cites at least one id in square
/// brackets and every id it cites is one of the evidence's; the rest (an uncited claim, an invented or misspelt id) is
/// dropped. What is left is plain text, at most <see cref="MaxLength"/> characters; null when nothing is left.
/// </summary>
public static partial class GroundedSummary
{
    public const int MaxLength = 700;

    public static string? Keep(string? text, IReadOnlyCollection<string> evidenceIds)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var ids = new HashSet<string>(evidenceIds, StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (string raw in Sentences().Split(text.ReplaceLineEndings(" ").Trim()))
        {
            string sentence = raw.Trim();
            IReadOnlyList<string> cited = Cited(sentence);
            if (cited.Count > 0 && cited.All(ids.Contains) && kept.Sum(k => k.Length + 1) + sentence.Length <= MaxLength)
            {
                kept.Add(sentence);
            }
        }

        return kept.Count == 0 ? null : string.Join(' ', kept);
    }

    /// <summary>The ids a text cites, one to a pair of brackets or several in one: [C1] [C2] or [C1, C2].</summary>
    public static IReadOnlyList<string> Cited(string text) =>
        [.. Citations().Matches(text).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct()];

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex Sentences();

    [GeneratedRegex(@"\[([A-Za-z0-9_\-]+(?:\s*,\s*[A-Za-z0-9_\-]+)*)\]")]
    private static partial Regex Citations();
}
