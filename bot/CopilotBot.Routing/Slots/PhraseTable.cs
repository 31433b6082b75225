namespace CopilotBot.Routing.Slots;

/// <summary>Longest-first lookup of multi-word phrases in a token sequence.</summary>
internal sealed class PhraseTable
{
    private readonly Dictionary<string, List<(string[] Words, string Value)>> _byFirstWord = new(StringComparer.Ordinal);

    public PhraseTable(IEnumerable<(string Phrase, string Value)> entries)
    {
        foreach ((string phrase, string value) in entries)
        {
            string[] words = phrase.Split(' ');
            if (!_byFirstWord.TryGetValue(words[0], out var list))
            {
                _byFirstWord[words[0]] = list = [];
            }

            list.Add((words, value));
        }

        foreach (var list in _byFirstWord.Values)
        {
            list.Sort(static (a, b) => b.Words.Length.CompareTo(a.Words.Length));
        }
    }

    /// <summary>The longest phrase starting at <paramref name="start"/> whose words are all free, or null.</summary>
    public (string Value, int Length)? MatchAt(IReadOnlyList<string> words, bool[] taken, int start)
    {
        if (taken[start] || !_byFirstWord.TryGetValue(words[start], out var candidates))
        {
            return null;
        }

        foreach ((string[] phrase, string value) in candidates)
        {
            if (start + phrase.Length > words.Count)
            {
                continue;
            }

            bool ok = true;
            for (int k = 0; k < phrase.Length && ok; k++)
            {
                ok = !taken[start + k] && words[start + k] == phrase[k];
            }

            if (ok)
            {
                return (value, phrase.Length);
            }
        }

        return null;
    }
}
