using System.Data.Common;

namespace CopilotBot.Workspace;

/// <summary>
/// Recognises the workspace's store failing underneath a request: the SQLite file gone, unreadable, locked past the busy
/// timeout or not a database; PostgreSQL refusing connections, shut down or dropping the session. Both providers' errors
/// are <see cref="DbException"/>s (directly or as the cause), so callers can answer "try again" instead of crashing.
/// </summary>
public static class WorkspaceUnavailable
{
    /// <summary>What a person is told when the store failed before anything was changed.</summary>
    public const string Reply = "I can't reach the workspace right now; nothing was changed — try again in a minute.";

    public static bool Is(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException)
            {
                return true;
            }
        }

        return false;
    }
}
