using Microsoft.Data.Sqlite;

namespace CopilotBot.Tests;

/// <summary>
/// A folder of a test class's own under the system's temp folder (created at once), deleted with everything in it when
/// the class is disposed. SQLite's pooled connections are closed first: an open one would keep its database file.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file some process still holds: the temp folder's own clean-up takes it later.
        }
    }
}
