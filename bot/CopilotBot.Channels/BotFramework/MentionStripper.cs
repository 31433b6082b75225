using System.Net;
using System.Text.RegularExpressions;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// Removes the bot's own @mention from a Teams message (in channels and group chats the text arrives as
/// <c>&lt;at&gt;Bot&lt;/at&gt; question</c>) and unwraps other people's mentions to their names, so the agent reads plain words.
/// </summary>
public static partial class MentionStripper
{
    public static string Strip(Activity activity)
    {
        string text = activity.Text ?? string.Empty;
        string? botId = activity.Recipient?.Id;

        // The entity's text is the exact markup used in the message; removing it handles names with odd characters.
        foreach (var entity in activity.Entities ?? [])
        {
            if ((string?)entity["type"] != "mention")
            {
                continue;
            }

            string? mentionedId = (string?)entity["mentioned"]?["id"];
            string? markup = (string?)entity["text"];
            if (markup is { Length: > 0 } && (botId is null || mentionedId == botId || SameBot(mentionedId, botId)))
            {
                text = text.Replace(markup, " ", StringComparison.Ordinal);
            }
        }

        // Without entities (some clients omit them), drop a leading mention of the bot by name.
        if (activity.Recipient?.Name is { Length: > 0 } botName)
        {
            text = text.Replace($"<at>{botName}</at>", " ", StringComparison.OrdinalIgnoreCase);
        }

        text = AtTag().Replace(text, m => m.Groups["name"].Value);
        text = WebUtility.HtmlDecode(text).Replace('\u00a0', ' ');
        return Whitespace().Replace(text, " ").Trim();
    }

    // Teams writes the bot as "28:<appId>"; some mentions carry the bare app id.
    private static bool SameBot(string? mentionedId, string botId) =>
        mentionedId is { Length: > 0 } && (botId.EndsWith(":" + mentionedId, StringComparison.Ordinal) || mentionedId.EndsWith(":" + botId, StringComparison.Ordinal));

    [GeneratedRegex("<at[^>]*>(?<name>.*?)</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AtTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
