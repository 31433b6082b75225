namespace CopilotBot.Routing.Slots;

/// <summary>How the utterance referred to an account, if at all.</summary>
internal enum AccountMentionKind
{
    None,
    Resolved,
    Ambiguous,
    UnknownId,
    Ordinal,
    Pronoun,
}

/// <summary>The account reference found in an utterance, before follow-up resolution.</summary>
internal sealed record AccountMention(
    AccountMentionKind Kind,
    AccountRef? Account = null,
    IReadOnlyList<AccountRef>? Candidates = null,
    string? Text = null,
    int Ordinal = 0);
