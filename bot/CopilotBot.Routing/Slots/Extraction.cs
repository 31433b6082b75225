using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Slots;

/// <summary>
/// Everything slot extraction learned from one utterance: the masked words for the classifier
/// ("why is xacct red"), the slot values, time phrases and the account mention. Which of these become
/// arguments depends on the intent, so that choice is left to the router.
/// </summary>
internal sealed class Extraction(string text, List<Token> tokens)
{
    public string Text { get; } = text;

    public List<Token> Tokens { get; } = tokens;

    public List<string> Masked { get; } = [];

    /// <summary>Per token: used by some slot (masked or not). Unused words are the request's "content".</summary>
    public bool[] Used { get; } = new bool[tokens.Count];

    public Dictionary<string, object> Values { get; } = new(StringComparer.Ordinal);

    public List<TimeExpression> Times { get; set; } = [];

    public AccountMention Account { get; set; } = new(AccountMentionKind.None);

    /// <summary>Index range of the account mention in <see cref="Tokens"/>, for building task titles.</summary>
    public (int Start, int End)? AccountSpan { get; set; }

    /// <summary>Words that are neither known vocabulary nor slots: a possible unknown account name.</summary>
    public string? UnknownName { get; set; }
}
