using System.Text.Json.Nodes;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Conversation;

/// <summary>
/// One user message from any channel, already stripped of channel specifics. <see cref="Sender"/> is the channel's own id
/// for whoever sent it (a Teams or Slack user id) when the channel mapped it to the workspace user <see cref="UserId"/>;
/// per-sender limits use it, since several channel identities can act as one workspace user (anonymous local mode).
/// </summary>
public sealed record TurnRequest(string Channel, string ConversationId, string UserId, string Text, JsonObject? Value = null, string? Sender = null)
{
    /// <summary>
    /// Where a model-written reply's text goes as it arrives (the whole text so far each time), for channels that can show
    /// it (Web Chat's livestreaming); null for channels that show only the final message (Teams, Slack, the CLI).
    /// </summary>
    public Func<string, CancellationToken, Task>? Partial { get; init; }
}

/// <summary>A piece of evidence behind an answer: where it came from, when, for which account, and the words that matter.</summary>
public sealed record Evidence(string Id, string Date, string? AccountId, string Snippet);

/// <summary>
/// The bot's answer to a turn. <see cref="Tool"/> is the catalog function that answered (plugin.function), or null when
/// none did; <see cref="Arguments"/> are the arguments it was called with; <see cref="Confidence"/> is the router's.
/// </summary>
public sealed record TurnReply(
    string Text,
    string? Tool,
    IReadOnlyDictionary<string, object?> Arguments,
    IReadOnlyList<Card> Cards,
    IReadOnlyList<Evidence> Evidence,
    double Confidence)
{
    /// <summary>
    /// True when the reply is the new state of the card whose button was clicked (an approval decided, a draft sent): channels
    /// that can replace a message (Teams invoke response, Slack chat.update, web chat) show it in place of that card.
    /// </summary>
    public bool UpdatesCard { get; init; }

    public static TurnReply Plain(string text, string? tool = null, double confidence = 1.0) =>
        new(text, tool, new Dictionary<string, object?>(), [], [], confidence);
}
