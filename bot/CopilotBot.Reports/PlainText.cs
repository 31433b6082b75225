using System.Text;

namespace CopilotBot.Reports;

/// <summary>What both writers do to a string before showing it: one line of text, no control characters, no lone
/// surrogates.</summary>
internal static class PlainText
{
    /// <summary>
    /// Line and paragraph separators and tabs become spaces, other control and format-breaking characters are dropped,
    /// lone surrogates become U+FFFD, and the result is trimmed.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append('\uFFFD');
            }
            else if (c is '\r' or '\n' or '\t' or '\u0085' or '\u2028' or '\u2029' or '\v' or '\f')
            {
                sb.Append(' ');
            }
            else if (!char.IsControl(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Trim();
    }
}
