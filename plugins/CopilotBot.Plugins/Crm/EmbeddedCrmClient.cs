using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Crm;

/// <summary>The embedded CRM: tasks kept in the workspace database.</summary>
public sealed class EmbeddedCrmClient(ITaskStore tasks) : ICrmClient
{
    public string DisplayName => "Embedded CRM (simulation)";

    public Task<CrmTask> CreateTaskAsync(string? accountId, string title, DateOnly? due, string assigneeId, string createdBy, DateTimeOffset at, CancellationToken cancellationToken) =>
        tasks.CreateAsync(new CrmTask(string.Empty, accountId, title, due, assigneeId, TaskState.Open, at, createdBy, null), cancellationToken);

    public Task<IReadOnlyList<CrmTask>> ListTasksAsync(string? assigneeId, string? accountId, TaskState? status, CancellationToken cancellationToken) =>
        tasks.ListAsync(assigneeId, accountId, status, cancellationToken);

    public Task<CrmTask?> GetTaskAsync(string id, CancellationToken cancellationToken) => tasks.GetAsync(id, cancellationToken);

    public Task<CrmTask?> CompleteTaskAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => tasks.CompleteAsync(id, at, cancellationToken);
}
