namespace CopilotBot.Memory.Text;

/// <summary>
/// Shared by BM25 and the hashing embedder so both see the same words: lower-cased runs of letters and digits, minus
/// stop words and source placeholders such as <c>__company__</c>, with a light suffix strip so "delays" meets "delayed".
/// </summary>
internal static class Tokenizer
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as", "is", "are",
        "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "i", "me", "my", "we", "us",
        "our", "you", "your", "he", "she", "they", "them", "their", "his", "her", "do", "does", "did", "have", "has", "had",
        "will", "would", "can", "could", "should", "so", "if", "then", "than", "there", "here", "what", "which", "who",
        "just", "im", "ll", "ve", "re", "s", "t", "d", "m", "am", "not", "no", "any", "all", "about", "up", "out", "too",
        "very", "also", "please", "thanks", "thank", "hi", "hello", "http", "https", "co", "www", "com",
    };

    /// <summary>The kept tokens of <paramref name="text"/>, in order.</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        Walk(text, (stem, _) => tokens.Add(stem));
        return tokens;
    }

    /// <summary>The kept tokens of <paramref name="text"/> with each one's word as written (lower-cased), in order.</summary>
    public static List<(string Word, string Stem)> Words(string text)
    {
        var words = new List<(string Word, string Stem)>();
        Walk(text, (stem, word) => words.Add((word.ToString(), stem)));
        return words;
    }

    private delegate void TokenSink(string stem, ReadOnlySpan<char> word);

    private static void Walk(string text, TokenSink sink)
    {
        int i = 0;
        Span<char> buffer = stackalloc char[64];
        while (i < text.Length)
        {
            if (!IsWordChar(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }

            ReadOnlySpan<char> raw = text.AsSpan(start, i - start);
            if (raw.Length > 4 && raw.StartsWith("__") && raw.EndsWith("__"))
            {
                continue;
            }

            foreach (Range part in raw.Split('_'))
            {
                ReadOnlySpan<char> word = raw[part];
                if (word.Length is 0 or > 40)
                {
                    continue;
                }

                int length = word.ToLowerInvariant(buffer);
                string token = Stem(buffer[..length]);
                if (!StopWords.Contains(token))
                {
                    sink(token, buffer[..length]);
                }
            }
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string Stem(ReadOnlySpan<char> word)
    {
        if (word.Length > 4 && word.EndsWith("ies"))
        {
            return string.Concat(word[..^3], "y");
        }

        if (word.Length > 5 && word.EndsWith("ing"))
        {
            return new string(word[..^3]);
        }

        if (word.Length > 4 && word.EndsWith("ed"))
        {
            return new string(word[..^2]);
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i'))
        {
            return new string(word[..^1]);
        }

        return new string(word);
    }
}
