namespace CopilotBot.Routing.Text;

/// <summary>
/// Splits cleaned text into lower-case words. Apostrophes are dropped inside words ("don't" → "dont") and a
/// possessive "'s" becomes its own token, so "Contoso's" still matches "Contoso". Hyphens split words
/// ("at-risk") except in dates and ids ("2026-02-13", "ACC-1042"); '.' and '/' stay inside numbers.
/// </summary>
public static class Tokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(Math.Max(4, text.Length / 5));
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                i = ReadWord(text, i, tokens);
            }
            else
            {
                if (c is '%' or '>' or '<' or '#' or '$' or '+')
                {
                    tokens.Add(new Token(c.ToString(), i, i + 1, false));
                }

                i++;
            }
        }

        return tokens;
    }

    private static int ReadWord(string text, int start, List<Token> tokens)
    {
        var chars = new System.Text.StringBuilder();
        int i = start;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                chars.Append(char.ToLowerInvariant(c));
                i++;
                continue;
            }

            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            char previous = text[i - 1];
            if (c == '\'' && char.IsLetter(next))
            {
                bool possessive = (next is 's' or 'S') && (i + 2 >= text.Length || !char.IsLetter(text[i + 2]));
                if (possessive)
                {
                    tokens.Add(new Token(chars.ToString(), start, i, char.IsUpper(text[start])));
                    tokens.Add(new Token("s", i, i + 2, false));
                    return i + 2;
                }

                i++;
                continue;
            }

            bool keepJoiner = c switch
            {
                '.' or '/' => char.IsAsciiDigit(previous) && char.IsAsciiDigit(next),
                ',' => char.IsAsciiDigit(previous) && IsThousands(text, i),
                '-' => char.IsAsciiDigit(next) && (char.IsAsciiDigit(previous) || IsLettersOnly(chars)),
                _ => false,
            };
            if (!keepJoiner)
            {
                break;
            }

            if (c != ',')
            {
                chars.Append(c);
            }

            i++;
        }

        tokens.Add(new Token(chars.ToString(), start, i, char.IsUpper(text[start])));
        return i;
    }

    // "1,000" is one number; "10, 20" is two.
    private static bool IsThousands(string text, int comma) =>
        text.Length >= comma + 4 && char.IsAsciiDigit(text[comma + 1]) && char.IsAsciiDigit(text[comma + 2]) &&
        char.IsAsciiDigit(text[comma + 3]) && (text.Length == comma + 4 || !char.IsAsciiDigit(text[comma + 4]));

    private static bool IsLettersOnly(System.Text.StringBuilder chars)
    {
        if (chars.Length is 0 or > 4)
        {
            return false;
        }

        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsLetter(chars[i]))
            {
                return false;
            }
        }

        return true;
    }
}
