namespace CopilotBot.Tests;

/// <summary>
/// Finds ../shared/data beside the repository: the full public datasets the benches evaluate on. The tests never read
/// it (they read the small fixtures under tests/Fixtures); a bench run without it says so and exits.
/// </summary>
public static class SharedData
{
    public static string Path(string relative)
    {
        string? path = TryPath(relative);
        if (path is null)
        {
            Console.Error.WriteLine(
                $"This bench evaluates on ../shared/data/{relative} (the full public dataset; see the README, Tests and benchmarks), " +
                "and it is not there. Put the shared/ folder beside the repository to run it; nothing was measured.");
            Environment.Exit(2);
        }

        return path;
    }

    /// <summary>The file's path, or null when the repository has no ../shared/data/<paramref name="relative"/> beside it.</summary>
    public static string? TryPath(string relative)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CopilotBot.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return null;
        }

        string path = System.IO.Path.Combine(dir.Parent.FullName, "shared", "data", relative);
        return File.Exists(path) ? path : null;
    }
}
