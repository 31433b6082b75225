using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>
/// The base of every contract: a clean database per test on the provider, <see cref="Stores"/> as the first instance
/// and <see cref="OpenInstanceAsync"/> for more. Subclassed once per provider.
/// </summary>
public abstract class StoreContract(StoreProvider provider) : IAsyncLifetime
{
    private readonly List<IWorkspaceStores> _instances = [];

    protected StoreProvider Provider { get; } = provider;

    protected IWorkspaceStores Stores { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Provider.ResetAsync();
        Stores = await OpenInstanceAsync();
    }

    public Task DisposeAsync()
    {
        foreach (IWorkspaceStores instance in _instances)
        {
            instance.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>Another bot instance on the same database: its own store objects and connections.</summary>
    protected async Task<IWorkspaceStores> OpenInstanceAsync()
    {
        IWorkspaceStores instance = await Provider.OpenInstanceAsync();
        _instances.Add(instance);
        return instance;
    }

    /// <summary>
    /// Starts <paramref name="count"/> calls at the same moment, spread round-robin over the instances, and returns
    /// their results in call order.
    /// </summary>
    protected static async Task<T[]> RaceAsync<T>(IReadOnlyList<IWorkspaceStores> instances, int count, Func<IWorkspaceStores, int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<T>[] tasks = Enumerable.Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                await gate.Task;
                return await call(instances[i % instances.Count], i);
            }))
            .ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
