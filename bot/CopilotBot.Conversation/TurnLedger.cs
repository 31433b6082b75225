namespace CopilotBot.Conversation;

/// <summary>
/// What a turn has changed so far: set by the audit filter once a function with side effects has returned, so a turn
/// that fails afterwards (the store going away before the audit entry or the conversation state is written) is answered
/// truthfully ("that ran") rather than "nothing was changed".
/// </summary>
internal sealed class TurnLedger
{
    public static readonly AsyncLocal<TurnLedger?> Current = new();

    public string? SideEffect { get; private set; }

    public void Ran(string function) => SideEffect ??= function;
}
