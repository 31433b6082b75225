namespace CopilotBot.Channels.Common;

/// <summary>
/// Where chart images are kept for every instance behind the load balancer (Slack fetches an image URL later, from
/// whichever instance it reaches, not necessarily the one that rendered the chart). Behind an interface so the host can
/// back it with the workspace's shared database; without one, <see cref="ChartImageCache"/> serves its own charts only.
/// </summary>
public interface ISharedChartImages
{
    /// <summary>Keeps the PNG under its lowercase hex SHA-256.</summary>
    Task SaveAsync(string hash, byte[] png, CancellationToken cancellationToken = default);

    /// <summary>The PNG kept under the hash, or null.</summary>
    Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default);
}
