using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests;

public sealed class ImportCommandTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("copilot-import-cli");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Import_ReportsBadLinesAndExitsOne_ButStoresGoodRows()
    {
                string file = Path.Combine(_scratch.Path, "accounts.csv");
        await File.WriteAllTextAsync(file, "id,name,tier,arr,region,owner\nX1,New Co,Gold,70000,EMEA,sofia.marino\nX2,Broken,Gold,-5,EMEA,\n");
        string ws = Path.Combine(_scratch.Path, "ws");

        (int exit, string stdout, _) = await Cli.RunAsync("", "import", "accounts", "--file", file, "--json", "--workspace", ws, "--now", "2026-11-21");
        (int exitUsers, string users, _) = await Cli.RunAsync("", "workspace", "--workspace", ws);

        Assert.Equal(1, exit);
        JsonObject report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal((1, 1), ((int)report["inserted"]!, (int)report["rejected"]!));
        Assert.Equal(3, (int)report["errors"]![0]!["line"]!);
        Assert.Equal(0, exitUsers);
        Assert.Contains("Accounts: 1001", users, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SaysWhichKindsExist_WhenKindIsUnknown()
    {
        (int exit, _, string stderr) = await Cli.RunAsync("", "import", "widgets", "--file", "x.csv", "--workspace", Path.Combine(_scratch.Path, "ws2"));

        Assert.Equal(2, exit);
        Assert.Contains("accounts, users, usage", stderr, StringComparison.Ordinal);
    }
}
