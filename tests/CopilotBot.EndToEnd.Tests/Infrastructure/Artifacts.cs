namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Where the end-to-end tests leave what a person wants to look at after a run: screenshots, the drivers' JSON
/// reports, the bot's and the Playground's logs. <c>artifacts/e2e/</c> at the repository root (git-ignored), or
/// <c>COPILOTBOT_E2E_ARTIFACTS</c> when set (a CI job can collect it from there).
/// </summary>
public static class Artifacts
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("COPILOTBOT_E2E_ARTIFACTS") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(RepositoryRoot(), "artifacts", "e2e");

    /// <summary>A fresh folder for one scenario (its previous run's files removed).</summary>
    public static string Fresh(string scenario)
    {
        string folder = Path.Combine(Root, scenario);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The screenshot exists, is a PNG and is not a blank page.</summary>
    public static void AssertScreenshot(string path)
    {
        Assert.True(File.Exists(path), "Missing screenshot " + path);
        byte[] head = new byte[8];
        using FileStream stream = File.OpenRead(path);
        Assert.Equal(8, stream.Read(head));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head);
        Assert.True(stream.Length > 10_000, $"{path} is only {stream.Length} bytes");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CopilotBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CopilotBot.sln) above " + AppContext.BaseDirectory);
    }
}
