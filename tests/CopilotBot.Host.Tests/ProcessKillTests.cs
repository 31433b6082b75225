using System.Diagnostics;
using System.Globalization;
using System.Text;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The real `copilot` executable killed in the middle of an import and of an agent run, then run again: what was
/// committed stays, nothing is done twice, nothing is half-written.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ProcessKillTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private readonly List<string> _dirs = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS cleans temp folders.
            }
        }
    }

    private string CopyWorkspace()
    {
        string dir = SeededWorkspaceFixture.Copy(fixture.Directory);
        _dirs.Add(dir);
        return dir;
    }

    private static Process Start(string workspace, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "copilot.dll"));
        foreach (string arg in args.Concat(["--workspace", workspace, "--now", SeededWorkspaceFixture.Today]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string workspace, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using Process process = Start(workspace, env, args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static SqliteConnection Connect(string workspace)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(workspace, CopilotWorkspace.DatabaseFileName),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        c.Open();
        return c;
    }

    private static long Scalar(SqliteConnection c, string sql)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string DataHash(string workspace)
    {
        SqliteConnection.ClearAllPools();
        using CopilotWorkspace ws = CopilotWorkspace.Open(workspace);
        return ws.DataHash();
    }

    [Fact]
    public async Task Import_killed_midway_then_run_again_equals_one_clean_import()
    {
        const int Rows = 60_000;
        string killed = CopyWorkspace();
        string clean = CopyWorkspace();
        string file = Path.Combine(killed, "payments-big.csv");
        var csv = new StringBuilder("id,account_id,due_date,amount,paid_date\n");
        for (int i = 0; i < Rows; i++)
        {
            var due = new DateOnly(2024, 1, 1).AddDays(i % 600);
            csv.Append(CultureInfo.InvariantCulture, $"KILL{i:D6},P{10001 + (i % 1000)},{due:yyyy-MM-dd},{100 + (i % 977)}.50,{(i % 5 == 0 ? string.Empty : due.AddDays(i % 40).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}\n");
        }

        await File.WriteAllTextAsync(file, csv.ToString());

        // Kill once the progress shows a fifth of the file read: with 2,000-row batches, dozens of batches are committed by then.
        using (Process import = Start(killed, null, "import", "payments", "--file", file))
        {
            _ = import.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            // Progress lines say "Importing payments: N%" once per tenth, N being where the reading is (21%, 23%, …).
            while (await import.StandardError.ReadLineAsync(timeout.Token) is { } line
                && !(line.StartsWith("Importing payments: ", StringComparison.Ordinal)
                    && int.TryParse(line["Importing payments: ".Length..].TrimEnd('%'), NumberStyles.Integer, CultureInfo.InvariantCulture, out int percent)
                    && percent >= 20))
            {
            }

            import.Kill(entireProcessTree: true);
            await import.WaitForExitAsync(timeout.Token);
        }

        using (SqliteConnection c = Connect(killed))
        {
            long partial = Scalar(c, "SELECT count(*) FROM payments WHERE id LIKE 'KILL%'");
            Assert.InRange(partial, 1, Rows - 1);
            Assert.Equal(0, partial % 2000); // whole batches only: no half-written batch
            using var check = new SqliteCommand("PRAGMA integrity_check", c);
            Assert.Equal("ok", (string?)check.ExecuteScalar());
        }

        (int rerun, string rerunOut, string rerunErr) = await RunAsync(killed, null, "import", "payments", "--file", file);
        (int once, _, string onceErr) = await RunAsync(clean, null, "import", "payments", "--file", file);

        Assert.True(rerun == 0, rerunErr);
        Assert.True(once == 0, onceErr);
        Assert.Contains($"Imported {Rows:N0} payments from", rerunOut, StringComparison.Ordinal);
        using (SqliteConnection c = Connect(killed))
        {
            Assert.Equal(Rows, Scalar(c, "SELECT count(*) FROM payments WHERE id LIKE 'KILL%'"));
            Assert.Equal(Rows, Scalar(c, "SELECT count(DISTINCT id) FROM payments WHERE id LIKE 'KILL%'"));
        }

        Assert.Equal(DataHash(clean), DataHash(killed));
        (int verify, string verifyOut, _) = await RunAsync(killed, null, "audit", "verify");
        Assert.True(verify == 0, verifyOut);
    }

    [Fact]
    public async Task Agent_run_killed_midway_resumes_without_a_second_intervention_and_within_the_cap()
    {
        const int Cap = 30;
        string ws = CopyWorkspace();
        // A low threshold so the run has many more accounts to go through than its cap, which it will reach. ResumeAfter 0: the second
        // run may finish what the killed one left (nothing else is running).
        var env = new Dictionary<string, string>
        {
            ["Agent__RiskThreshold"] = "0.1",
            ["Agent__MaxPerHour"] = Cap.ToString(CultureInfo.InvariantCulture),
            ["Agent__ResumeAfter"] = "00:00:00",
        };
        long before;
        HashSet<string> earlier;
        using (CopilotWorkspace workspace = CopilotWorkspace.Open(ws))
        {
            earlier = (await workspace.Interventions.ListAsync(null)).Select(i => i.Id).ToHashSet();
            before = (await workspace.Interventions.ListAsync(null)).Count(i => i.CreatedBy == AgentOptions.ActorId);
        }

        SqliteConnection.ClearAllPools();

        using (Process run = Start(ws, env, "agent", "run"))
        {
            _ = run.StandardOutput.ReadToEndAsync();
            _ = run.StandardError.ReadToEndAsync();
            using SqliteConnection watch = Connect(ws);
            var deadline = Stopwatch.StartNew();
            // Count with the write lock held, and keep it when the count is reached: the run cannot write between the look
            // and the kill, so it dies a few interventions in however slow this machine is (polling without the lock let a
            // busy CI machine's run race on to the cap before the kill, leaving the second run nothing to resume).
            while (true)
            {
                Assert.False(run.HasExited, "the agent run ended before it could be killed");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(1), "the agent run created no interventions");
                using SqliteTransaction look = watch.BeginTransaction(deferred: false);
                if (Scalar(watch, "SELECT count(*) FROM interventions WHERE created_by = 'agent'") >= before + 5)
                {
                    // The run blocks at its next write (an intervention, a task or an audit entry) and dies there.
                    run.Kill(entireProcessTree: true);
                    await run.WaitForExitAsync();
                    look.Rollback();
                    break;
                }

                look.Commit();
                await Task.Delay(2);
            }
        }

        long afterKill, unfinished;
        using (SqliteConnection c = Connect(ws))
        {
            afterKill = Scalar(c, "SELECT count(*) FROM interventions WHERE created_by = 'agent'");
            unfinished = Scalar(c, "SELECT count(*) FROM interventions i WHERE i.created_by = 'agent' AND NOT EXISTS (SELECT 1 FROM audit_log a " +
                "WHERE a.actor = 'agent' AND a.target = i.account_id AND a.action IN ('agent.intervention', 'agent.approval_requested') AND a.at >= i.created_at)");
        }

        (int exit, string stdout, string stderr) = await RunAsync(ws, env, "agent", "run");
        Assert.True(exit == 0, stderr);

        SqliteConnection.ClearAllPools();
        using (CopilotWorkspace workspace = CopilotWorkspace.Open(ws))
        {
            IReadOnlyList<Intervention> all = await workspace.Interventions.ListAsync(null);
            var created = all.Where(i => i.CreatedBy == AgentOptions.ActorId && !earlier.Contains(i.Id)).ToList();
            // The cap counted the killed run's interventions: the rolling hour holds exactly Cap, not Cap more. (The demo's
            // own agent interventions are stamped 08:00 on the pinned day, so depending on the wall clock some count too.)
            DateTimeOffset hourAgo = new PinnedDateTimeProvider(DateOnly.Parse(SeededWorkspaceFixture.Today, CultureInfo.InvariantCulture)).GetUtcNow().AddHours(-1);
            int seededInWindow = all.Count(i => earlier.Contains(i.Id) && i.CreatedBy == AgentOptions.ActorId && i.CreatedAt > hourAgo
                && i.Status is not (InterventionStatus.PendingApproval or InterventionStatus.Rejected));
            // The second run resumed and added more, unless the seeded ones and the killed run's already filled the hour's cap.
            Assert.True(created.Count > afterKill - before || seededInWindow + (afterKill - before) >= Cap, stdout);
            Assert.Equal(created.Count, created.Select(i => i.AccountId).Distinct().Count());
            Assert.Equal(Cap - seededInWindow, created.Count(i => i.Status == InterventionStatus.Pending));
            // Whatever the killed run left half done (an intervention without its audit entry) this run finished, and said so.
            Assert.Equal(unfinished, stdout.Split('\n').Count(l => l.Contains("finished after an interrupted run", StringComparison.Ordinal)));
            IReadOnlyList<AuditEntry> audit = await workspace.Audit.ReadAsync();
            IReadOnlyList<CrmTask> tasks = await workspace.Tasks.ListAsync(null, null, null);
            foreach (Intervention i in created)
            {
                if (i.Status == InterventionStatus.Pending)
                {
                    Assert.Single(tasks, t => t.CreatedBy == AgentOptions.ActorId && t.AccountId == i.AccountId);
                    Assert.Single(audit, e => e.Action == "agent.intervention" && e.Target == i.AccountId);
                }
                else
                {
                    Assert.Single(audit, e => e.Action == "agent.approval_requested" && e.Target == i.AccountId);
                }
            }
        }

        (int verify, string verifyOut, _) = await RunAsync(ws, null, "audit", "verify");
        Assert.True(verify == 0, verifyOut);
    }
}
