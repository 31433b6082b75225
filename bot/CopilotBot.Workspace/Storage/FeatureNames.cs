namespace CopilotBot.Workspace.Storage;

/// <summary>
/// How feature names are compared: ignoring the case of ASCII letters, everything else as it is. This is what both
/// databases do (SQLite's <c>NOCASE</c>, PostgreSQL's <c>lower()</c> under the "C" collation), so code that groups or
/// matches feature names in memory agrees with the stores.
/// </summary>
public static class FeatureNames
{
    /// <summary>Compares and hashes feature names as the stores do.</summary>
    public static readonly StringComparer Comparer = new AsciiIgnoreCaseComparer();

    /// <summary>The name with ASCII letters in lower case: equal keys name the same feature.</summary>
    public static string Key(string name) =>
        string.Create(name.Length, name, static (span, n) =>
        {
            for (int i = 0; i < n.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(n[i]) ? (char)(n[i] + 32) : n[i];
            }
        });

    private sealed class AsciiIgnoreCaseComparer : StringComparer
    {
        public override int Compare(string? x, string? y) =>
            x is null || y is null ? string.CompareOrdinal(x, y) : string.CompareOrdinal(Key(x), Key(y));

        public override bool Equals(string? x, string? y) =>
            x is null || y is null ? ReferenceEquals(x, y) : string.Equals(Key(x), Key(y), StringComparison.Ordinal);

        public override int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Key(obj));
    }
}
