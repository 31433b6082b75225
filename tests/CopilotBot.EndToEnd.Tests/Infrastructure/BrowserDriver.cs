using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs one of the node scripts in js/ (playwright-core driving the system Chromium) and returns its JSON report.
/// The scripts need node, Chromium and the npm packages pinned in js/package-lock.json; when one is missing the test
/// fails saying what to install, rather than passing without having looked at anything.
/// </summary>
public static class BrowserDriver
{
    public const string PlaygroundVersion = "0.2.28";

    public static string JsFolder { get; } = FindJsFolder();

    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    /// <summary>What is missing to run the browser tests, as instructions; empty when everything is there.</summary>
    public static IReadOnlyList<string> MissingPrerequisites()
    {
        var missing = new List<string>();
        if (NodeVersion() is null)
        {
            missing.Add("`node` is not on PATH: apt-get install -y nodejs npm");
        }

        if (!File.Exists(ChromiumPath))
        {
            missing.Add($"Chromium is not at {ChromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)");
        }

        string playground = Path.Combine(JsFolder, "node_modules", "@microsoft", "m365agentsplayground", "package.json");
        string playwright = Path.Combine(JsFolder, "node_modules", "playwright-core", "package.json");
        if (!File.Exists(playground) || !File.Exists(playwright))
        {
            missing.Add($"the npm packages are not installed: cd {JsFolder} && npm ci");
        }
        else if (JsonNode.Parse(File.ReadAllText(playground))?["version"]?.GetValue<string>() is { } version && version != PlaygroundVersion)
        {
            missing.Add($"@microsoft/m365agentsplayground is {version}, the tests are pinned to {PlaygroundVersion}: cd {JsFolder} && npm ci");
        }

        return missing;
    }

    public static void RequirePrerequisites()
    {
        IReadOnlyList<string> missing = MissingPrerequisites();
        Assert.True(missing.Count == 0, "The end-to-end tests need node, Chromium and the npm packages in js/ (.ci/run installs them). Missing:\n- " + string.Join("\n- ", missing));
    }

    /// <summary>Runs <c>node {script} '{options}'</c> and returns the report it prints (also saved as report.json in <paramref name="artifacts"/>).</summary>
    public static async Task<DriverRun> RunAsync(string script, JsonObject options, string artifacts, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = JsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(options.ToJsonString());
        start.Environment["CHROMIUM_PATH"] = ChromiumPath;

        var clock = Stopwatch.StartNew();
        Process process = ChildProcesses.Start(start);
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                ChildProcesses.Kill(process);
                Assert.Fail($"node {script} did not finish within {timeout} and was killed. Artefacts so far: {artifacts}\nstderr: {await stderr}\nstdout: {await stdout}");
            }

            string output = await stdout;
            string errors = await stderr;
            string? last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            JsonObject? report = null;
            try
            {
                report = last is null ? null : JsonNode.Parse(last) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                // Reported below with the raw output.
            }

            Assert.True(report is not null, $"node {script} exited with {process.ExitCode} without a JSON report.\nstderr: {errors}\nstdout: {output}");
            await File.WriteAllTextAsync(Path.Combine(artifacts, "report.json"), report!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return new DriverRun(process.ExitCode, report, errors, clock.Elapsed);
        }
        finally
        {
            ChildProcesses.Kill(process);
            process.Dispose();
        }
    }

    public static string? NodeVersion()
    {
        try
        {
            using Process? process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
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

    /// <summary>The committed js/ folder beside the test sources, found by walking up from the test binaries.</summary>
    private static string FindJsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "js", "playground.js");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }

            string fromRoot = Path.Combine(dir.FullName, "tests", "CopilotBot.EndToEnd.Tests", "js", "playground.js");
            if (File.Exists(fromRoot))
            {
                return Path.GetDirectoryName(fromRoot)!;
            }
        }

        throw new InvalidOperationException("tests/CopilotBot.EndToEnd.Tests/js not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One driver run: its exit code, its JSON report, what it wrote to stderr and how long it took.</summary>
public sealed record DriverRun(int ExitCode, JsonObject Report, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && Report["ok"]?.GetValue<bool>() == true;

    public string Text(string key) => Report[key]?.GetValue<string>() ?? string.Empty;

    public IReadOnlyList<string> Screenshots => Report["screenshots"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    /// <summary>What a person needs when it failed: the step, the error, and where the screenshots and logs are.</summary>
    public string Describe(string artifacts) =>
        $"failed at step \"{Text("failedStep")}\": {Text("error")}\nScreenshots and logs: {artifacts}\nStderr: {Stderr}";
}
