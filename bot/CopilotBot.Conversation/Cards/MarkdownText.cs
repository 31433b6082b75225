using System.Text;
using System.Text.RegularExpressions;

namespace CopilotBot.Conversation.Cards;

/// <summary>
/// Every string in the card model is plain text, and much of it is not ours: ticket text from customers, account and user
/// names from imports, words from a language model. Adaptive Card <c>TextBlock</c>s are markdown in every client (Teams,
/// Web Chat), so before a string goes into one its markdown and HTML metacharacters are backslash-escaped (CommonMark's
/// escape: the character shows, its meaning goes) and scheme URLs are broken with an invisible word joiner so clients'
/// autolinkers leave them as text. The product's own links and images are never built from such text.
/// </summary>
public static partial class MarkdownText
{
    private const char WordJoiner = '\u2060';

    /// <summary><paramref name="text"/> as markdown that renders as exactly that text: no link, image, HTML, code or emphasis.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            // Links and images need [ ], HTML and autolinks need < >, code and emphasis need ` * _; a lone ~ (the urgency
            // "~7 d") or | means nothing to Adaptive Card markdown and stays as it is.
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>')
            {
                result.Append('\\');
            }

            result.Append(c);
        }

        // "http://x" → "http:⁠//x": shown the same, but no autolinker (markdown-it's linkify, Teams) sees a URL in it.
        string escaped = SchemeUrl().Replace(result.ToString(), m => m.Value + WordJoiner);
        return WwwHost().Replace(escaped, m => m.Value[..^1] + WordJoiner + ".");
    }

    [GeneratedRegex(@"\b(?:https?|ftp|mailto|file|javascript|data|vbscript):", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SchemeUrl();

    [GeneratedRegex(@"\bwww\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex WwwHost();
}
