using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Crm;

/// <summary>
/// The CRM behind the crm plugin. The embedded CRM (a simulation stored in the workspace) is the default;
/// a real CRM (HubSpot, Salesforce) plugs in behind the same port.
/// </summary>
public interface ICrmClient
{
    /// <summary>Shown next to tasks so nobody mistakes the simulation for their real CRM.</summary>
    string DisplayName { get; }

    Task<CrmTask> CreateTaskAsync(string? accountId, string title, DateOnly? due, string assigneeId, string createdBy, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<CrmTask>> ListTasksAsync(string? assigneeId, string? accountId, TaskState? status, CancellationToken cancellationToken);

    Task<CrmTask?> GetTaskAsync(string id, CancellationToken cancellationToken);

    Task<CrmTask?> CompleteTaskAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}
