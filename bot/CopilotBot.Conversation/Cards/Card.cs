using System.Security.Cryptography;
using CopilotBot.Charts;

namespace CopilotBot.Conversation.Cards;

/// <summary>
/// The one card model every channel renders (Adaptive Cards for Teams and web chat, Block Kit for Slack):
/// a title, body elements and actions.
/// </summary>
public sealed record Card(string Title, IReadOnlyList<CardElement> Body, IReadOnlyList<CardAction> Actions)
{
    /// <summary>Short text for notifications and clients that cannot render cards.</summary>
    public string? FallbackText { get; init; }

    /// <summary>Whether the card holds inputs (<see cref="CardInput"/>): a form to fill in rather than an answer.</summary>
    public bool IsForm => Body.Any(e => e is CardInput);
}

public abstract record CardElement;

/// <summary>A paragraph; <see cref="Subtle"/> renders it smaller and greyed (e.g. "demo data").</summary>
public sealed record CardText(string Text, bool Subtle = false, bool Emphasis = false) : CardElement;

public sealed record CardFacts(IReadOnlyList<(string Title, string Value)> Facts) : CardElement;

/// <summary>A table; the first row of <see cref="Columns"/> is the header.</summary>
public sealed record CardTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) : CardElement;

/// <summary>
/// A chart the product draws (<see cref="ChartRenderer"/>): a trend that reads better as a picture. <see cref="AltText"/> says
/// the trend in words (screen readers, channels that cannot show it). A card with a chart still carries the numbers in a
/// table: a channel may leave the image out (size limits, no public URL for Slack), never the table.
/// </summary>
public sealed record CardChart(ChartSpec Spec, string AltText) : CardElement
{
    // Rendered once per picture however many channels and answers show it: by the spec's content, since every answer builds
    // its own spec (a manager asking for the same summary twice gets the same chart). Started over when full.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Rendered> Cache = new(StringComparer.Ordinal);
    private const int CacheCapacity = 1024;

    /// <summary>The PNG bytes (rendered on first use).</summary>
    /// <exception cref="ArgumentException">The spec breaks a chart rule.</exception>
    public byte[] Png => Render().Png;

    /// <summary>Lowercase hex SHA-256 of <see cref="Png"/>: the chart's content address (file names, URLs).</summary>
    public string Hash => Render().Hash;

    private Rendered Render()
    {
        string key = Spec.ContentKey();
        if (Cache.TryGetValue(key, out Rendered? rendered))
        {
            return rendered;
        }

        byte[] png = ChartRenderer.RenderPng(Spec);
        rendered = new Rendered(png, Convert.ToHexStringLower(SHA256.HashData(png)));
        if (Cache.Count >= CacheCapacity)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, rendered);
    }

    private sealed record Rendered(byte[] Png, string Hash);

    // Printing a card (logs, test messages) names the chart without drawing it.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Title = ").Append(Spec.Title).Append(", AltText = ").Append(AltText);
        return true;
    }
}

/// <summary>
/// A text field the person fills in, prefilled with <see cref="Value"/> (a draft to edit). When a button of the card is
/// pressed, what was typed comes back in the click's data under <see cref="Id"/>, next to the button's own data. The value is
/// plain text, often not ours (a draft quotes customers): each channel shows it as text in an input box, never as markup.
/// Channels that cannot hold inputs in a message (Slack) open a form (a modal) instead; a terminal shows the text and says
/// where it can be edited.
/// </summary>
public sealed record CardInput(string Id, string Label, string Value, bool Multiline = false, int MaxLength = CardInput.DefaultMaxLength) : CardElement
{
    /// <summary>
    /// The most a field takes unless told otherwise, and the most any field takes: Slack's text inputs hold at most 3,000
    /// characters, so a form that works on every channel stays within that (a long retention email is about 1,500).
    /// </summary>
    public const int DefaultMaxLength = 3000;

    /// <summary>Whether the field must not be left empty (clients that can check it say so before sending).</summary>
    public bool Required { get; init; }
}

/// <summary>A button: <see cref="Verb"/> is what the bot does when it is pressed, <see cref="Data"/> its arguments.</summary>
public sealed record CardAction(string Title, string Verb, IReadOnlyDictionary<string, string> Data, string Style = "default")
{
    /// <summary>
    /// Whether pressing it sends the card's inputs along (and lets the client check required ones first). False for a
    /// Cancel next to a form: it must work whatever is typed.
    /// </summary>
    public bool SendsInputs { get; init; } = true;
}
