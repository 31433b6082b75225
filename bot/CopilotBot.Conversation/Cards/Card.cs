namespace CopilotBot.Conversation.Cards;

/// <summary>
/// The one card model every channel renders (Adaptive Cards for Teams and web chat, Block Kit for Slack):
/// a title, body elements and actions.
/// </summary>
public sealed record Card(string Title, IReadOnlyList<CardElement> Body, IReadOnlyList<CardAction> Actions)
{
    /// <summary>Short text for notifications and clients that cannot render cards.</summary>
    public string? FallbackText { get; init; }
}

public abstract record CardElement;

/// <summary>A paragraph; <see cref="Subtle"/> renders it smaller and greyed (e.g. "demo data").</summary>
public sealed record CardText(string Text, bool Subtle = false, bool Emphasis = false) : CardElement;

public sealed record CardFacts(IReadOnlyList<(string Title, string Value)> Facts) : CardElement;

/// <summary>A table; the first row of <see cref="Columns"/> is the header.</summary>
public sealed record CardTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) : CardElement;

/// <summary>A button: <see cref="Verb"/> is what the bot does when it is pressed, <see cref="Data"/> its arguments.</summary>
public sealed record CardAction(string Title, string Verb, IReadOnlyDictionary<string, string> Data, string Style = "default");
