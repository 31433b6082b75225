using System.Collections.Concurrent;
using System.Diagnostics;

namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Every process the tests start (the bot, node with its Playground server and Chromium) is registered here and killed
/// with its whole tree when the test is done with it, and again when the test process exits however it exits, so a
/// failed or aborted run leaves nothing listening.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static Process Start(ProcessStartInfo start)
    {
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>Kills the process and everything it started; safe to call twice or after it exited.</summary>
    public static void Kill(Process process)
    {
        Running.TryRemove(process.Id, out _);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we looked.
        }
    }

    private static void KillAll()
    {
        foreach (Process process in Running.Values)
        {
            Kill(process);
        }
    }
}
