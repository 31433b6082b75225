namespace CopilotBot.Conversation.Functions;

/// <summary>How a call was decided: by the user explicitly (a button, a confirmed request), by the embedded router, or by a model.</summary>
public enum InvocationSource
{
    Router,
    Model,
    Confirmed,
    System,
}
