namespace CopilotBot.Tests;

/// <summary>
/// Finds the small data fixtures the tests read (tests/Fixtures: subsets of public datasets and the Adaptive Card
/// schema, each with its source and licence in tests/Fixtures/README.md). They live in the repository, so a fresh clone
/// runs every test with nothing beside it.
/// </summary>
public static class Fixtures
{
    public static string Path(string name)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CopilotBot.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (CopilotBot.sln) above " + AppContext.BaseDirectory);
        }

        string path = System.IO.Path.Combine(dir.FullName, "tests", "Fixtures", name);
        return File.Exists(path) ? path : throw new FileNotFoundException("Test fixture is missing from the repository: " + path);
    }
}
