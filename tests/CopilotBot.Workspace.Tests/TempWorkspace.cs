namespace CopilotBot.Workspace.Tests;

/// <summary>A real workspace (SQLite file) in a temporary folder, deleted afterwards.</summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "copilot-test-" + Guid.NewGuid().ToString("N")[..10]);
        Workspace = CopilotWorkspace.Open(Directory);
    }

    public string Directory { get; }

    public CopilotWorkspace Workspace { get; }

    public string File(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        System.IO.File.WriteAllText(path, content);
        return path;
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
            // A file still held open on some platforms; the temp folder is cleaned by the OS later.
        }
    }
}
