namespace CopilotBot.Memory;

/// <summary>One message of a support conversation.</summary>
public sealed record ConversationTurn(Speaker Speaker, string Text);
