using CopilotBot.Host.Cli;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Host.Tests;

public sealed class AuditCommandTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("copilot-audit");

    public void Dispose() => _scratch.Dispose();

    private async Task<string> WorkspaceWithAuditAsync()
    {
        var ws = Workspace.CopilotWorkspace.Open(_scratch.Path);
        // A workspace with a user is not empty, so opening it does not seed the demo portfolio.
        await ws.Users.UpsertAsync([new Workspace.Domain.User("riley.chen", "Riley Chen", "riley@example.com", Workspace.Domain.UserRole.Admin, null)]);
        await ws.Meta.SetAsync(Workspace.WorkspaceKeys.AdminUser, "riley.chen");
        for (int i = 0; i < 5; i++)
        {
            await ws.Audit.AppendAsync("u" + i, "test.action", "P1000" + i, "{\"n\":" + i + "}", new DateTimeOffset(2026, 11, 21, 9, i, 0, TimeSpan.Zero));
        }

        return _scratch.Path;
    }

    private void Sql(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_scratch.Path, "copilot.db")}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task Verify_PassesAnIntactLog()
    {
        string ws = await WorkspaceWithAuditAsync();

        (int exit, string stdout, _) = await Cli.RunAsync("", "audit", "verify", "--workspace", ws);

        Assert.Equal(0, exit);
        Assert.Contains("5 entries", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 3", "entry 3")]
    [InlineData("DELETE FROM audit_log WHERE seq = 2", "entry 2 is missing")]
    [InlineData("UPDATE audit_log SET seq = seq + 10 WHERE seq IN (2, 3); UPDATE audit_log SET seq = 3 WHERE seq = 12; UPDATE audit_log SET seq = 2 WHERE seq = 13", "entry 2")]
    [InlineData("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1", "entry 1")]
    public async Task Verify_CatchesAnEditDeletionOrReordering(string tamper, string expected)
    {
        string ws = await WorkspaceWithAuditAsync();
        Sql(tamper);

        (int exit, string stdout, _) = await Cli.RunAsync("", "audit", "verify", "--workspace", ws);

        Assert.Equal(1, exit);
        Assert.Contains("TAMPERED", stdout, StringComparison.Ordinal);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WritesJsonLinesWithinTheRange()
    {
        string ws = await WorkspaceWithAuditAsync();

        (int exit, string stdout, _) = await Cli.RunAsync("", "audit", "export", "--workspace", ws, "--from", "2026-11-21", "--to", "2026-11-22");
        (_, string csv, _) = await Cli.RunAsync("", "audit", "export", "--workspace", ws, "--format", "csv", "--from", "2026-11-22");

        Assert.Equal(0, exit);
        Assert.Equal(5, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"hash\":", stdout, StringComparison.Ordinal);
        Assert.Equal("seq,at,actor,action,target,details,prev_hash,hash", csv.Trim());
    }
}
