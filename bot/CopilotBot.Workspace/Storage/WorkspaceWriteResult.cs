namespace CopilotBot.Workspace.Storage;

/// <summary>What a bulk write did.</summary>
/// <param name="Written">False when <see cref="WorkspaceBatch.OnlyIfEmpty"/> found data and nothing was written.</param>
/// <param name="Inserted">Rows whose key was new (the rest of the batch updated existing rows).</param>
public sealed record WorkspaceWriteResult(bool Written, int Inserted)
{
    public static WorkspaceWriteResult Skipped { get; } = new(false, 0);
}
