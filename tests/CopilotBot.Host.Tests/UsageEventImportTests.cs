using System.Text.Json.Nodes;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Tests;

/// <summary>
/// <c>copilot import usage</c> with an events file (what <c>/api/events</c> takes, as CSV or JSON lines): events are applied
/// once each by id, bad rows are reported by line and the good ones kept, and the touched accounts are rescored.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class UsageEventImportTests(SeededWorkspaceFixture fixture)
{
    private static readonly DateOnly October = new(2026, 10, 1);

    [Fact]
    public async Task AnEventsCsv_IsAppliedIncrementally_BadLinesNamed_AndReimportingChangesNothing()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Silver)))[3];
        int before = (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == October).Logins;
        string file = Path.Combine(directory, "events.csv");
        await File.WriteAllTextAsync(file,
            "type,id,account_id,at,logins,due_date,amount,status\n" +
            $"usage,ev-1,{account.Id},2026-10-30T09:00:00Z,5,,,\n" +
            $"usage,ev-2,{account.Id},2026-10-31T09:00:00Z,many,,,\n" +
            "usage,ev-3,NOPE,2026-10-31T09:00:00Z,1,,,\n" +
            $"payment,inv-cli-1,{account.Id},,,2026-10-01,900,failed\n" +
            $"usage,ev-4,{account.Id},2026-10-31T10:00:00Z,2,,,\n");

        (int exit, string stdout, string stderr) = await Cli.RunAsync(
            "", "import", "usage", "--file", file, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (int again, string secondOut, _) = await Cli.RunAsync(
            "", "import", "usage", "--file", file, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);

        Assert.True(exit == 1, stderr);
        JsonObject report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("events", (string?)report["kind"]);
        Assert.Equal((5, 2, 1, 2), ((int)report["rows"]!, (int)report["applied"]!, (int)report["payments"]!, (int)report["rejected"]!));
        Assert.Equal(1, (int)report["accounts_rescored"]!);
        JsonArray errors = report["errors"]!.AsArray();
        Assert.Equal([3, 4], errors.Select(e => (int)e!["line"]!));
        Assert.Contains("logins", (string?)errors[0]!["message"], StringComparison.Ordinal);
        Assert.Contains("NOPE", (string?)errors[1]!["message"], StringComparison.Ordinal);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ws = CopilotWorkspace.Open(directory);
        Assert.Equal(before + 7, (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == October).Logins);
        Assert.Contains(await ws.Activity.GetPaymentsAsync(account.Id), p => p.Id == "inv-cli-1" && p.Status == PaymentStatus.Failed);

        JsonObject second = JsonNode.Parse(secondOut)!.AsObject();
        Assert.Equal(1, again);
        Assert.Equal((0, 2), ((int)second["applied"]!, (int)second["duplicates"]!));
        Assert.Equal(before + 7, (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == October).Logins);
    }

    [Fact]
    public async Task AnEventsJsonLinesFile_IsRecognised_AndMonthlyUsageFilesStillImportAsRows()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Gold)))[2];
        string events = Path.Combine(directory, "events.jsonl");
        await File.WriteAllTextAsync(events,
            $"{{\"id\":\"j-1\",\"account_id\":\"{account.Id}\",\"at\":\"2026-10-12T08:00:00Z\",\"logins\":3}}\n" +
            "{not json}\n");
        string monthly = Path.Combine(directory, "usage.csv");
        await File.WriteAllTextAsync(monthly, $"account_id,month,active_users,logins\n{account.Id},2026-09,12,340\n");

        (int exit, string stdout, _) = await Cli.RunAsync(
            "", "import", "usage", "--file", events, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (int rowsExit, string rowsOut, _) = await Cli.RunAsync(
            "", "import", "usage", "--file", monthly, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);

        JsonObject report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(1, exit);
        Assert.Equal(("events", 1, 1), ((string?)report["kind"], (int)report["applied"]!, (int)report["rejected"]!));
        Assert.Equal(2, (int)report["errors"]![0]!["line"]!);
        JsonObject rows = JsonNode.Parse(rowsOut)!.AsObject();
        Assert.Equal(0, rowsExit);
        Assert.Equal(("usage", 1), ((string?)rows["kind"], (int)rows["updated"]!));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ws = CopilotWorkspace.Open(directory);
        Assert.Equal(340, (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == new DateOnly(2026, 9, 1)).Logins);
    }
}
