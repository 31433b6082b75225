namespace CopilotBot.Tests;

/// <summary>Finds ../shared/data beside the repository (tests read public datasets from there, never from the repo).</summary>
public static class SharedData
{
    public static string Path(string relative)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CopilotBot.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (CopilotBot.sln) above " + AppContext.BaseDirectory);
        }

        string path = System.IO.Path.Combine(dir.Parent.FullName, "shared", "data", relative);
        return File.Exists(path) ? path : throw new FileNotFoundException("Shared test data is missing: " + path);
    }
}
