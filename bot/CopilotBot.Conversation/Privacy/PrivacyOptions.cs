namespace CopilotBot.Conversation.Privacy;

/// <summary>
/// What <see cref="PiiMasker"/> applies to. Bound from the <c>Privacy</c> configuration section
/// (<c>Privacy:MaskPiiInPrompts</c>; environment <c>Privacy__MaskPiiInPrompts</c>).
/// </summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>
    /// Mask emails, phone and card numbers and IBANs in what is sent to the language model: the user's question and every
    /// tool result (support snippets, drafts, data). Off by default: the model then sees what the CSM sees. Replies shown
    /// to the CSM are never masked (they may need the customer's email).
    /// </summary>
    public bool MaskPiiInPrompts { get; set; }
}
