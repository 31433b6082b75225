using CopilotBot.Conversation.Cards;

namespace CopilotBot.Conversation.Functions;

/// <summary>
/// What a plugin function returns: a reply in words, cards for people, evidence behind it, the accounts it showed
/// (so follow-ups such as "the second one" resolve), and a compact data object a language model can read.
/// </summary>
public sealed record PluginResult(string Text)
{
    public IReadOnlyList<Card> Cards { get; init; } = [];

    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    public IReadOnlyList<string> AccountsShown { get; init; } = [];

    public object? Data { get; init; }

    /// <summary>True when the first card is the new state of the card that was clicked (see <see cref="TurnReply.UpdatesCard"/>).</summary>
    public bool UpdatesCard { get; init; }

    /// <summary>True for an expected "no" (unknown account, no access, nothing found): not an error, but nothing was done.</summary>
    public bool IsRefusal { get; init; }

    /// <summary>True when the arguments did not fit the function (wrong type, missing value): refused before it ran.</summary>
    public bool IsInvalidInput { get; init; }

    public static PluginResult Refuse(string text) => new(text) { IsRefusal = true };
}
