using System.Globalization;
using System.Text;

namespace CopilotBot.Routing.Text;

/// <summary>Makes arbitrary user input safe and cheap to route: bounded length, no control characters or emoji.</summary>
public static class TextSanitizer
{
    /// <summary>
    /// Longer messages are cut here: routing only needs the request, and a pasted 10,000-character email
    /// must not cost more than a short question.
    /// </summary>
    public const int MaxChars = 600;

    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Look at a bounded prefix only; surrogate pairs at the cut are dropped below.
        ReadOnlySpan<char> source = text.AsSpan(0, Math.Min(text.Length, MaxChars * 2));
        var builder = new StringBuilder(Math.Min(source.Length, MaxChars));
        bool lastWasSpace = true;
        foreach (Rune rune in EnumerateRunes(source))
        {
            Rune mapped = Map(rune);
            UnicodeCategory category = Rune.GetUnicodeCategory(mapped);
            bool keep = Rune.IsLetterOrDigit(mapped) || category is UnicodeCategory.OtherPunctuation
                or UnicodeCategory.DashPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark;
            if (!keep || Rune.IsWhiteSpace(mapped))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }

            builder.Append(mapped.ToString());
            lastWasSpace = false;
            if (builder.Length >= MaxChars)
            {
                break;
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>True when the text has at least one letter or digit.</summary>
    public static bool HasContent(string text)
    {
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<Rune> EnumerateRunes(ReadOnlySpan<char> text)
    {
        var runes = new List<Rune>(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            // Lone surrogates come back as the replacement character; drop them.
            if (rune != Rune.ReplacementChar)
            {
                runes.Add(rune);
            }
        }

        return runes;
    }

    private static Rune Map(Rune rune) => rune.Value switch
    {
        0x2018 or 0x2019 or 0x02BC or 0x0060 or 0x00B4 => new Rune('\''),
        0x201C or 0x201D => new Rune('"'),
        0x2013 or 0x2014 or 0x2212 => new Rune('-'),
        0x00A0 or 0x2009 or 0x202F => new Rune(' '),
        _ => rune,
    };
}
