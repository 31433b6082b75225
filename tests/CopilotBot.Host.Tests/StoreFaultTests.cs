using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The SQLite workspace failing underneath a serving host: the person gets a plain sentence (never a stack trace or
/// silence), a change that failed is not half-applied, and the host answers normally once the store is back.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class StoreFaultTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private readonly string _dir = SeededWorkspaceFixture.Copy(fixture.Directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string dir in new[] { _dir, _dir + ".gone" })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    private WebApplicationFactory<Program> Host() => new WebApplicationFactory<Program>()
        .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", _dir).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today));

    private static TurnRequest CreateTask(string title) => new(
        "web", "store-fault", "riley.chen", string.Empty,
        new JsonObject { ["verb"] = "crm.create_task", ["account"] = "P10342", ["title"] = title, ["due"] = "2026-11-27" });

    private void Sql(string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, CopilotWorkspace.DatabaseFileName), Pooling = false }.ToString());
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private async Task<int> TasksTitledAsync(CopilotRuntime runtime, string title) =>
        (await runtime.Workspace.Tasks.ListAsync(null, "P10342", null)).Count(t => t.Title == title);

    [Fact]
    public async Task Workspace_volume_gone_mid_session_gets_a_plain_reply_changes_nothing_and_recovers()
    {
        using WebApplicationFactory<Program> factory = Host();
        using HttpClient client = factory.CreateClient();
        CopilotRuntime runtime = factory.Services.GetRequiredService<CopilotRuntime>();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/ask", new { question = "help", user = "riley.chen" })).StatusCode);

        // The folder disappears (an unmounted volume, a deleted directory) while the host serves; its pooled connections
        // would still reach the moved file, so the host has to notice by itself.
        Directory.Move(_dir, _dir + ".gone");
        TurnReply refused = await runtime.Agent.HandleAsync(CreateTask("Call about the renewal"));
        HttpResponseMessage asked = await client.PostAsJsonAsync("/api/ask", new { question = "which accounts are most at risk?", user = "riley.chen" });
        string askedBody = await asked.Content.ReadAsStringAsync();
        HttpResponseMessage health = await client.GetAsync("/healthz");

        Assert.Equal(WorkspaceUnavailable.Reply, refused.Text);
        Assert.Null(refused.Tool);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, asked.StatusCode);
        Assert.Equal(WorkspaceUnavailable.Reply, (string?)JsonNode.Parse(askedBody)!["detail"]);
        Assert.Equal(TimeSpan.FromSeconds(60), asked.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain("Exception", askedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Back: the same request works, and the task exists once (the failed turn wrote nothing).
        Directory.Move(_dir + ".gone", _dir);
        TurnReply created = await runtime.Agent.HandleAsync(CreateTask("Call about the renewal"));
        HttpResponseMessage again = await client.PostAsJsonAsync("/api/ask", new { question = "which accounts are most at risk?", user = "riley.chen" });

        Assert.Equal("crm.create_task", created.Tool);
        Assert.Equal(1, await TasksTitledAsync(runtime, "Call about the renewal"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Store_failing_after_the_change_but_before_its_audit_entry_says_the_change_was_made()
    {
        using WebApplicationFactory<Program> factory = Host();
        CopilotRuntime runtime = factory.Services.GetRequiredService<CopilotRuntime>();
        _ = factory.CreateClient();

        // The task insert succeeds; the audit append then fails as a full or failing disk would.
        Sql("CREATE TRIGGER audit_gone BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
        TurnReply reply = await runtime.Agent.HandleAsync(CreateTask("Send the QBR deck"));
        Sql("DROP TRIGGER audit_gone;");

        Assert.Contains("That was done (crm.create_task)", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was changed", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, await TasksTitledAsync(runtime, "Send the QBR deck"));

        // A read-only turn that fails says nothing was changed; the next one works.
        Sql("CREATE TRIGGER audit_gone BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
        TurnReply read = await runtime.Agent.HandleAsync(new TurnRequest("web", "store-fault-2", "riley.chen", "which accounts are most at risk?"));
        Sql("DROP TRIGGER audit_gone;");
        TurnReply after = await runtime.Agent.HandleAsync(new TurnRequest("web", "store-fault-2", "riley.chen", "which accounts are most at risk?"));

        Assert.Equal(WorkspaceUnavailable.Reply, read.Text);
        Assert.Equal("churn.at_risk", after.Tool);
    }
}
