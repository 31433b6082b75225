namespace CopilotBot.Host.Tests;

/// <summary>One demo workspace with its churn model, made once for every test class in the collection (it takes seconds).</summary>
[CollectionDefinition(Name)]
public sealed class SeededWorkspaceCollection : ICollectionFixture<SeededWorkspaceFixture>
{
    public const string Name = "seeded workspace";
}

public sealed class SeededWorkspaceFixture : IDisposable
{
    public const string Today = "2026-11-21";

    public SeededWorkspaceFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "copilot-host-test-" + Guid.NewGuid().ToString("N")[..10]);
        CopilotRuntime.Open(HostSettings.Resolve(Directory, Today, null, null));
    }

    public string Directory { get; }

    /// <summary>A private copy of a workspace folder, for tests that write (proactive references, events, alerts).</summary>
    public static string Copy(string source)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string target = Path.Combine(Path.GetTempPath(), "copilot-copy-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (string file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            try
            {
                File.Copy(file, to);
            }
            catch (FileNotFoundException) when (file.EndsWith("-shm", StringComparison.Ordinal) || file.EndsWith("-wal", StringComparison.Ordinal))
            {
                // A SQLite shared-memory index and write-ahead log vanish when the last connection closes (the log is
                // checkpointed into the database first), so the database file alone is then the whole workspace.
            }
        }

        return target;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }
}
