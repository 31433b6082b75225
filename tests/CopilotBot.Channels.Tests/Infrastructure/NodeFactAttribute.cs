using System.Diagnostics;

namespace CopilotBot.Channels.Tests.Infrastructure;

/// <summary>
/// A fact that needs <c>node</c> and the npm packages in <c>js/node_modules</c> (run <c>npm ci</c> or <c>npm i</c> in
/// tests/CopilotBot.Channels.Tests/js). Skipped with the reason when either is missing, so a machine without Node still
/// passes the rest of the suite.
/// </summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (JsFolder() is not { } folder)
        {
            Skip = "tests/CopilotBot.Channels.Tests/js not found next to the test sources.";
        }
        else if (!Directory.Exists(Path.Combine(folder, "node_modules", "botframework-connector")))
        {
            Skip = $"botframework-connector is not installed: run `npm ci` in {folder}.";
        }
        else if (NodeVersion() is null)
        {
            Skip = "`node` is not on PATH.";
        }
    }

    /// <summary>The committed js/ folder, found by walking up from the test binaries to the project folder.</summary>
    public static string? JsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "js", "crosscheck.js");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate);
            }
        }

        return null;
    }

    public static string? NodeVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            string version = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? version : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
