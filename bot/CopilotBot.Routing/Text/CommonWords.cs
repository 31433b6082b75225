namespace CopilotBot.Routing.Text;

/// <summary>Everyday and customer-success words (Data/common-words.txt) that are never read as account names.</summary>
public static class CommonWords
{
    private static readonly Lazy<HashSet<string>> Words = new(Load);

    public static bool Contains(string word) => Words.Value.Contains(word);

    internal static Stream OpenResource(string name) =>
        typeof(CommonWords).Assembly.GetManifestResourceStream("CopilotBot.Routing." + name)
        ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");

    private static HashSet<string> Load()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(OpenResource("common-words.txt"));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim());
            }
        }

        return set;
    }
}
