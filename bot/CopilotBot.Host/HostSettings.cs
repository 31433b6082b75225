using System.Globalization;

namespace CopilotBot.Host;

/// <summary>
/// Settings every command shares: where the workspace is, what "today" is, and who is asking.
/// Each comes from its option, else its environment variable, else a default.
/// </summary>
public sealed record HostSettings(string WorkspaceDirectory, DateOnly? Now, string? ActAs, ulong Seed)
{
    public const string DefaultWorkspace = "copilot-data";

    /// <summary>Configuration key (environment: <c>Copilot__EmptyWorkspace=true</c>) for <see cref="EmptyWorkspace"/>.</summary>
    public const string EmptyWorkspaceKey = "Copilot:EmptyWorkspace";

    /// <summary>
    /// A workspace created now starts empty, for the user's own data, instead of with the demo portfolio
    /// (<c>copilot workspace init --empty</c>, or <see cref="EmptyWorkspaceKey"/> for the host).
    /// </summary>
    public bool EmptyWorkspace { get; init; }

    public static HostSettings Resolve(string? workspace, string? now, string? actAs, string? seed)
    {
        workspace ??= Environment.GetEnvironmentVariable("COPILOT_WORKSPACE");
        now ??= Environment.GetEnvironmentVariable("COPILOT_NOW");
        seed ??= Environment.GetEnvironmentVariable("COPILOT_SEED");
        DateOnly? today = null;
        if (!string.IsNullOrWhiteSpace(now))
        {
            if (!DateOnly.TryParseExact(now.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d))
            {
                throw new ArgumentException($"--now '{now}' is not a date; use YYYY-MM-DD, for example --now 2026-11-21.");
            }

            today = d;
        }

        ulong seedValue = Workspace.Demo.DemoSeeder.DefaultSeed;
        if (!string.IsNullOrWhiteSpace(seed) && !ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out seedValue))
        {
            throw new ArgumentException($"--seed '{seed}' is not a whole number.");
        }

        return new HostSettings(
            string.IsNullOrWhiteSpace(workspace) ? DefaultWorkspace : workspace,
            today,
            string.IsNullOrWhiteSpace(actAs) ? null : actAs.Trim(),
            seedValue);
    }

    /// <summary>The clock: the real one, or one pinned to the --now date (time of day still advances).</summary>
    public TimeProvider Clock() => Now is { } d ? new PinnedDateTimeProvider(d) : TimeProvider.System;
}

/// <summary>A clock whose date is fixed (for reproducible "this month", "next Friday") while the time of day runs.</summary>
public sealed class PinnedDateTimeProvider(DateOnly date) : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        DateTimeOffset real = System.GetUtcNow();
        return new DateTimeOffset(date.ToDateTime(TimeOnly.FromTimeSpan(real.TimeOfDay)), TimeSpan.Zero);
    }
}
