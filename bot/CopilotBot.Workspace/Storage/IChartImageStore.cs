namespace CopilotBot.Workspace.Storage;

/// <summary>
/// Chart images (PNG, a few KB each) under the lowercase hex SHA-256 of their bytes, so that an image one instance
/// rendered can be served by another: Slack fetches an image URL later, through the load balancer, from any instance.
/// </summary>
public interface IChartImageStore
{
    /// <summary>Keeps the PNG (or, when the hash is already kept, marks it as saved at <paramref name="at"/> again).</summary>
    Task SaveAsync(string hash, byte[] png, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The PNG kept under the hash, or null.</summary>
    Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Forgets images last saved before <paramref name="before"/>, and all but the <paramref name="keep"/> most recently saved; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken = default);
}
