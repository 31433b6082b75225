namespace CopilotBot.Workspace;

/// <summary>A workspace problem a person can act on; its message says what to do.</summary>
public sealed class WorkspaceException : Exception
{
    public WorkspaceException(string message)
        : base(message)
    {
    }

    public WorkspaceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
