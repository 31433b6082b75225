using System.Text.RegularExpressions;

namespace CopilotBot.Conversation.Privacy;

/// <summary>
/// Masks personal data in free text (support tickets, questions) before it goes where it is not needed: logs, and the
/// language model's prompt when <c>Privacy:MaskPiiInPrompts</c> is on. Email addresses become <c>[email]</c>, IBANs
/// (mod-97 checked) <c>[iban]</c>, payment card numbers (13–19 digits written whole, in groups of four or as Amex 4-6-5; Luhn checked, so order ids and
/// invoice numbers stay)
/// <c>[card]</c>, and phone numbers <c>[phone]</c>: international (<c>+44 20 7946 0958</c>), North American
/// (<c>(555) 123-4567</c>, <c>555-123-4567</c>) and national numbers with a leading 0 (<c>020 7946 0958</c>,
/// <c>01 23 45 67 89</c>), 9–15 digits. Dates, amounts, account ids and short numbers are left alone.
/// </summary>
/// <remarks>
/// The patterns run on the non-backtracking engine, so text crafted to make a regex crawl costs linear time. A token is
/// never longer than what it replaces, except <c>[email]</c> for a six-character address (one character more); masking
/// masked text changes nothing.
/// </remarks>
public static class PiiMasker
{
    public const string EmailToken = "[email]";
    public const string PhoneToken = "[phone]";
    public const string CardToken = "[card]";
    public const string IbanToken = "[iban]";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private static readonly Regex Email = new(
        @"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", Options);

    private static readonly Regex Iban = new(@"\b[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,4})?\b", Options);

    private static readonly Regex Card = new(
        @"\b[0-9]{13,19}\b|\b[0-9]{4}( [0-9]{4}){2,3}( [0-9]{1,4})?\b|\b[0-9]{4}(-[0-9]{4}){2,3}(-[0-9]{1,4})?\b|\b[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{5}\b",
        Options);

    private static readonly Regex Phone = new(
        @"\+[0-9]{1,3}[ .\-]?(\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,8}([ .\-][0-9]{1,8}){0,4}\b"
        + @"|\([0-9]{2,4}\)[ .\-]?[0-9]{3,4}[ .\-]?[0-9]{3,4}\b"
        + @"|\b[0-9]{3}[.\-][0-9]{3}[.\-][0-9]{4}\b|\b[0-9]{3} [0-9]{3} [0-9]{4}\b"
        + @"|\b0[0-9]( [0-9]{2}){4}\b|\b0[0-9]{1,4}[ \-][0-9]{3,4}[ \-][0-9]{3,4}\b",
        Options);

    /// <summary>The text with every email, IBAN, card and phone number replaced by its token; null stays null.</summary>
    public static string? Mask(string? text)
    {
        if (string.IsNullOrEmpty(text) || !MayHold(text))
        {
            return text;
        }

        // One pass can hide a number behind a neighbour (a phone run into a card); passes repeat until nothing changes,
        // which makes masking idempotent. Each pass only replaces, so this ends in a few passes.
        string masked = text;
        for (int pass = 0; pass < 4; pass++)
        {
            string next = MaskOnce(masked);
            if (string.Equals(next, masked, StringComparison.Ordinal))
            {
                break;
            }

            masked = next;
        }

        return masked;
    }

    private static string MaskOnce(string text)
    {
        string masked = text.Contains('@', StringComparison.Ordinal) ? Email.Replace(text, EmailToken) : text;
        masked = Iban.Replace(masked, m => ValidIban(m.Value) ? IbanToken : m.Value);
        masked = MaskPhones(masked);
        return Card.Replace(masked, m => MaskCard(m.Value));
    }

    /// <summary>Whether <paramref name="text"/> contains anything <see cref="Mask"/> would replace.</summary>
    public static bool ContainsPii(string? text) => !string.Equals(Mask(text), text, StringComparison.Ordinal);

    /// <summary>True when a digit run of a payment card's length passes the Luhn check.</summary>
    public static bool Luhn(string candidate)
    {
        int sum = 0;
        int count = 0;
        for (int i = candidate.Length - 1; i >= 0; i--)
        {
            char c = candidate[i];
            if (c is < '0' or > '9')
            {
                continue;
            }

            int digit = c - '0';
            if (count % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            count++;
        }

        return count is >= 13 and <= 19 && sum % 10 == 0;
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters to 10–35, and the number mod 97 is 1.</summary>
    public static bool ValidIban(string candidate)
    {
        string compact = candidate.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Length is < 15 or > 34)
        {
            return false;
        }

        int remainder = 0;
        foreach (char c in compact[4..] + compact[..4])
        {
            int value = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                return false;
            }

            remainder = value >= 10 ? ((remainder * 100) + value) % 97 : ((remainder * 10) + value) % 97;
        }

        return remainder == 1;
    }

    /// <summary>
    /// A card candidate, or the run of its groups that is a card when numbers surround it ("4111 1111 1111 1111 2026",
    /// "5132 4111 1111 1111 1111").
    /// </summary>
    private static string MaskCard(string value)
    {
        if (Luhn(value))
        {
            return CardToken;
        }

        var cuts = new List<int> { 0 };
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] is ' ' or '-')
            {
                cuts.Add(i);
            }
        }

        cuts.Add(value.Length);
        for (int a = 0; a < cuts.Count - 1; a++)
        {
            for (int b = cuts.Count - 1; b > a; b--)
            {
                int from = a == 0 ? 0 : cuts[a] + 1;
                if ((a, b) != (0, cuts.Count - 1) && Luhn(value[from..cuts[b]]))
                {
                    return value[..from] + CardToken + value[cuts[b]..];
                }
            }
        }

        return value;
    }

    /// <summary>
    /// Phone candidates with 9–15 digits become the token, unless they are the tail or head of a longer digit sequence (a
    /// card-length order id that failed Luhn, a time followed by a number). An international number run into the next one
    /// ("+44 20 7946 0958 (555) 123-4567") is cut after the longest leading run of groups that is a number by itself.
    /// </summary>
    private static string MaskPhones(string text) => Phone.Replace(text, m =>
    {
        string value = m.Value;
        if (value[0] != '+' && value[0] != '(' && (DigitNear(text, m.Index - 1, -1) || DigitNear(text, m.Index + m.Length, 1)))
        {
            return value;
        }

        int digits = Digits(value);
        if (digits is >= 9 and <= 15)
        {
            return PhoneToken;
        }

        if (digits > 15 && value[0] == '+')
        {
            for (int cut = value.Length - 1; cut > 0; cut--)
            {
                if (value[cut] is ' ' or '.' or '-' or '(' && Digits(value[..cut]) is >= 9 and <= 15)
                {
                    return PhoneToken + MaskPhones(value[cut..]);
                }
            }
        }

        return value;
    });

    /// <summary>A digit at <paramref name="at"/>, or one separator further in <paramref name="step"/>'s direction.</summary>
    private static bool DigitNear(string text, int at, int step)
    {
        if (at < 0 || at >= text.Length)
        {
            return false;
        }

        if (text[at] is >= '0' and <= '9')
        {
            return true;
        }

        int next = at + step;
        return text[at] is ' ' or '-' or '.' or ':' or '/' && next >= 0 && next < text.Length && text[next] is >= '0' and <= '9';
    }

    private static int Digits(string text) => text.Count(c => c is >= '0' and <= '9');

    /// <summary>Cheap pre-check: no '@' and fewer than nine ASCII digits means nothing can match.</summary>
    private static bool MayHold(string text)
    {
        if (text.Contains('@', StringComparison.Ordinal))
        {
            return true;
        }

        int digits = 0;
        foreach (char c in text)
        {
            if (c is >= '0' and <= '9' && ++digits >= 9)
            {
                return true;
            }
        }

        return false;
    }
}
