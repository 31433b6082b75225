namespace CopilotBot.Routing.Classification;

/// <summary>
/// Turns masked words into hashed feature ids: word unigrams and bigrams (with sentence boundaries) and
/// character 3–5-grams of each word (typo tolerance). FNV-1a keeps ids stable across processes and releases,
/// which string.GetHashCode does not.
/// </summary>
internal static class FeatureHasher
{
    public const int Bits = 18;
    private const uint Mask = (1u << Bits) - 1;
    private const uint Offset = 2166136261;
    private const uint Prime = 16777619;

    public static void Extract(IReadOnlyList<string> words, List<int> features)
    {
        features.Clear();
        string previous = "<s>";
        foreach (string word in words)
        {
            features.Add(Finish(Add(Add(Offset, 'u'), word)));
            features.Add(Finish(Add(Add(Add(Add(Offset, 'b'), previous), '|'), word)));
            if (!IsPlaceholder(word))
            {
                AddCharGrams(word, features);
            }

            previous = word;
        }

        features.Add(Finish(Add(Add(Add(Add(Offset, 'b'), previous), '|'), "</s>")));
        features.Add(Finish(Add(Add(Offset, 'n'), (char)('0' + Math.Min(words.Count, 8)))));
    }

    public static bool IsPlaceholder(string word) => word.Length > 2 && word[0] == 'x' &&
        word is "xacct" or "xdate" or "xnum" or "xpct" or "xtier" or "xregion" or "xindustry" or "xtopic" or "xperson" or "xtask";

    private static void AddCharGrams(string word, List<int> features)
    {
        int length = word.Length + 2;
        for (int n = 3; n <= 5; n++)
        {
            for (int start = 0; start + n <= length; start++)
            {
                uint hash = Add(Add(Offset, 'c'), (char)('0' + n));
                for (int k = start; k < start + n; k++)
                {
                    char c = k == 0 ? '<' : k == length - 1 ? '>' : word[k - 1];
                    hash = Add(hash, c);
                }

                features.Add(Finish(hash));
            }
        }
    }

    private static uint Add(uint hash, char c) => (hash ^ c) * Prime;

    private static uint Add(uint hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    // Fold the high bits in so the bucket uses all 32 bits of the hash.
    private static int Finish(uint hash) => (int)((hash ^ (hash >> Bits)) & Mask);
}
