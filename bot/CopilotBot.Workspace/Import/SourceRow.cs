using System.Text.Json;

namespace CopilotBot.Workspace.Import;

/// <summary>
/// One record read from a CSV or JSONL file: its first line number, its fields by normalised name
/// (lower-case letters and digits only, so <c>account_id</c>, <c>AccountId</c> and <c>Account ID</c> agree),
/// and for JSONL the parsed object (nested conversation turns live there).
/// </summary>
public sealed class SourceRow(int line, Dictionary<string, string?> fields, JsonElement? json)
{
    public int Line { get; } = line;

    public JsonElement? Json { get; } = json;

    public IReadOnlyDictionary<string, string?> Fields => fields;

    /// <summary>The first non-blank value among the given names (normalised), trimmed.</summary>
    public string? Get(params string[] names)
    {
        foreach (string name in names)
        {
            if (fields.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }

    public static string Normalize(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        int n = 0;
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) && n < buffer.Length)
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}
