using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>
/// One storage provider for the contract tests (a class fixture: one per test class). Each test starts from an empty
/// database; <see cref="OpenInstanceAsync"/> opens another, independent set of stores on the same database, which is
/// what a second bot instance would hold.
/// </summary>
public abstract class StoreProvider : IAsyncLifetime
{
    public abstract string Name { get; }

    /// <summary>Makes the database empty for the next test.</summary>
    public abstract Task ResetAsync();

    /// <summary>A new, separate store set (its own connections) on the current database.</summary>
    public abstract Task<IWorkspaceStores> OpenInstanceAsync();

    /// <summary>Runs SQL on the current database outside the stores, as a person or another program would.</summary>
    public abstract Task ExecuteAsync(string sql);

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}
