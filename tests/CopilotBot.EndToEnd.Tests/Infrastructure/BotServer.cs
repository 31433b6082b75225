using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Workspace;

namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real bot, as a user runs it: <c>dotnet copilot.dll serve --urls http://127.0.0.1:PORT --workspace DIR --now …</c>
/// in its own process, on a free loopback port, with a fresh workspace (seeded with the demo portfolio and a trained
/// churn model on first open) and no Bot app id, so it is in its anonymous local mode. Its output goes to
/// artifacts/e2e/bot.log. Shared by the tests of <see cref="EndToEndCollection"/>; killed when they are done.
/// </summary>
public sealed class BotServer : IAsyncLifetime
{
    public const string Today = "2026-11-21";

    /// <summary>Seeding and training take ~10 s on an idle machine; a loaded 2-core CI box can take minutes.</summary>
    private static readonly TimeSpan StartupBudget = TimeSpan.FromMinutes(5);

    private readonly object _logLock = new();
    private Process? _process;
    private StreamWriter? _log;

    public BotServer()
    {
        WorkspaceDirectory = Path.Combine(Path.GetTempPath(), "copilot-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        LogPath = Path.Combine(Artifacts.Root, "bot.log");
    }

    public string WorkspaceDirectory { get; }

    public string LogPath { get; }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (BrowserDriver.MissingPrerequisites().Count > 0)
        {
            // Every test here needs the browser; each fails at once saying what to install, without waiting for a bot.
            return;
        }

        Directory.CreateDirectory(Artifacts.Root);
        _log = new StreamWriter(LogPath, append: false, Encoding.UTF8) { AutoFlush = true };
        string dll = Path.Combine(AppContext.BaseDirectory, "copilot.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution (dotnet build CopilotBot.sln) first.");
        }

        var clock = Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            int port = FreeLoopbackPort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _process = StartBot(dll, port);
            string? failure = await WaitUntilHealthyAsync(_process);
            if (failure is null)
            {
                break;
            }

            ChildProcesses.Kill(_process);
            // Another process may have taken the port between our probe and the bot's bind; try another one.
            if (attempt < 3 && failure.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new InvalidOperationException($"The bot did not start: {failure}\nLast lines of {LogPath}:\n{Tail()}");
        }

        // /healthz answers before the workspace exists; /api/info waits for it (seeding and training happen here).
        using var budget = new CancellationTokenSource(StartupBudget);
        try
        {
            JsonObject info = (await Http.GetFromJsonAsync<JsonObject>(new Uri(BaseUrl, "api/info"), budget.Token))!;
            if (info["demo"]?.GetValue<bool>() != true)
            {
                throw new InvalidOperationException("The bot's workspace is not the demo portfolio: " + info.ToJsonString());
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The bot did not open its workspace within {StartupBudget}.\nLast lines of {LogPath}:\n{Tail()}");
        }

        StartupTime = clock.Elapsed;
        Write($"[e2e] bot ready at {BaseUrl} after {StartupTime.TotalSeconds:F1} s (workspace {WorkspaceDirectory})");
    }

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            ChildProcesses.Kill(_process);
            _process.Dispose();
        }

        Http.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(WorkspaceDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }

        return Task.CompletedTask;
    }

    /// <summary>Asks the bot through its JSON API (`POST /api/ask`), as the workspace admin unless a user is given.</summary>
    public async Task<JsonObject> AskAsync(string question, string? user = null, string? conversation = null)
    {
        var body = new JsonObject { ["question"] = question, ["conversation"] = conversation ?? "e2e-api-" + Guid.NewGuid().ToString("N")[..8] };
        if (user is not null)
        {
            body["user"] = user;
        }

        using HttpResponseMessage response = await Http.PostAsJsonAsync(new Uri(BaseUrl, "api/ask"), body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/ask \"{question}\" answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The bot's workspace, opened alongside the running bot (SQLite in WAL mode: readers do not block it).</summary>
    public CopilotWorkspace OpenWorkspace() => CopilotWorkspace.Open(WorkspaceDirectory);

    /// <summary>The last lines the bot wrote, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        lock (_logLock)
        {
            _log?.Flush();
        }

        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            string[] all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return "(log unreadable: " + ex.Message + ")";
        }
    }

    private Process StartBot(string dll, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The forecast waits for its backtest models however long a loaded runner takes to train them (4 s by default,
        // then it answers without them and says so), so the journeys can check what the backtest adds.
        foreach (string arg in new[] { dll, "serve", "--urls", $"http://127.0.0.1:{port}", "--workspace", WorkspaceDirectory, "--now", Today, "--Portfolio:BacktestWaitSeconds=300" })
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the command line says: no app id (anonymous local mode), no LLM, no Slack, no stores or URLs from
        // the developer's environment (configuration keys come in as Section__Key variables).
        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.Contains("__", StringComparison.Ordinal) || key.StartsWith("COPILOT_", StringComparison.Ordinal) || key == "ASPNETCORE_URLS")
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        Process process = ChildProcesses.Start(start);
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Write($"[e2e] started pid {process.Id}: {start.FileName} {string.Join(' ', start.ArgumentList)}");
        return process;
    }

    /// <summary>Null once /healthz answers 200; otherwise why not (the process exited, or it took too long).</summary>
    private async Task<string?> WaitUntilHealthyAsync(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                return $"the process exited with code {process.ExitCode}. {Tail(15)}";
            }

            try
            {
                using HttpResponseMessage response = await probe.GetAsync(new Uri(BaseUrl, "healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting; try again.
            }

            await Task.Delay(200);
        }

        return "/healthz did not answer within 90 s";
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log?.WriteLine(line);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
