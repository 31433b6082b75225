using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The growth data's way in: <c>copilot import features|subscriptions</c>, and <c>feature_used</c> events through an
/// events file (<c>copilot import usage</c>) and <c>POST /api/events</c>, each applied once by id.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class GrowthImportCliTests(SeededWorkspaceFixture fixture)
{
    // Names no demo portfolio uses, so the first use is new whatever the seed holds.
    private const string Feature = "Zz test-only feature";

    [Fact]
    public async Task ImportFeaturesAndSubscriptions_ReportAsJson_AndBadRowsFailTheRun()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Gold)))[1];
        string features = Path.Combine(directory, "features.csv");
        await File.WriteAllTextAsync(features, $"name,requires,min_plan,key\n{Feature},SSO,pro,yes\n");
        string subscriptions = Path.Combine(directory, "subscriptions.csv");
        await File.WriteAllTextAsync(subscriptions,
            $"account_id,on,plan,seats,arr\n{account.Id},2031-01-01,enterprise,300,123456.78\nNOPE,2031-01-01,pro,1,1\n");

        (int featuresExit, string featuresOut, string featuresErr) = await Cli.RunAsync(
            "", "import", "features", "--file", features, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (int subscriptionsExit, string subscriptionsOut, _) = await Cli.RunAsync(
            "", "import", "subscriptions", "--file", subscriptions, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);

        Assert.True(featuresExit == 0, featuresErr);
        JsonObject f = JsonNode.Parse(featuresOut)!.AsObject();
        Assert.Equal(("features", 1, 0), ((string?)f["kind"], (int)f["inserted"]!, (int)f["rejected"]!));
        Assert.Equal(1, subscriptionsExit);
        JsonObject s = JsonNode.Parse(subscriptionsOut)!.AsObject();
        Assert.Equal(("subscriptions", 1, 1), ((string?)s["kind"], (int)s["inserted"]!, (int)s["rejected"]!));
        Assert.Equal(3, (int)s["errors"]![0]!["line"]!);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ws = CopilotWorkspace.Open(directory);
        Assert.Contains(await ws.Growth.ListFeaturesAsync(), x => x.Name == Feature && x.Key && x.MinPlan == Plan.Pro);
        Assert.Contains(await ws.Growth.ListSubscriptionsAsync(account.Id), x => x.Id == $"{account.Id}:2031-01-01" && x.Arr == 123_456.78m);
    }

    [Fact]
    public async Task FeatureEventsInAnEventsFile_AreAppliedOnce_AndTheirFirstUsesReported()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Silver)))[4];
        string file = Path.Combine(directory, "events.csv");
        await File.WriteAllTextAsync(file,
            "type,id,account_id,at,feature,users\n" +
            $"feature_used,fe-1,{account.Id},2026-11-03T09:00:00Z,{Feature},6\n" +
            $"feature_used,fe-2,{account.Id},2026-11-02T09:00:00Z,{Feature.ToUpperInvariant()},\n" +
            $"feature_used,fe-3,{account.Id},2026-11-02T09:00:00Z,,2\n");

        (int exit, string stdout, string stderr) = await Cli.RunAsync(
            "", "import", "usage", "--file", file, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);
        (_, string secondOut, _) = await Cli.RunAsync(
            "", "import", "usage", "--file", file, "--json", "--workspace", directory, "--now", SeededWorkspaceFixture.Today);

        Assert.True(exit == 1, stderr);
        JsonObject report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(("events", 2, 1, 1), ((string?)report["kind"], (int)report["feature_events"]!, (int)report["first_uses"]!, (int)report["rejected"]!));
        Assert.Equal(4, (int)report["errors"]![0]!["line"]!);
        JsonObject second = JsonNode.Parse(secondOut)!.AsObject();
        Assert.Equal((0, 0, 2), ((int)second["feature_events"]!, (int)second["first_uses"]!, (int)second["duplicates"]!));

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ws = CopilotWorkspace.Open(directory);
        Assert.Equal(new FeatureFirstUse(account.Id, Feature, new DateOnly(2026, 11, 2)),
            Assert.Single(await ws.Growth.ListFirstUsesAsync(account.Id), x => x.Feature == Feature));
        Assert.Equal(6, Assert.Single(await ws.Growth.ListFeatureUsageAsync(account.Id), x => x.Feature == Feature).Users);
    }

    [Fact]
    public async Task TheEventsApi_TakesFeatureUsedEvents_AndCountsThem()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Bronze)))[2];
        using HttpClient client = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("Events:ApiKey", "growth-key")).CreateClient();
        string body = $$"""
            [{"type":"feature_used","id":"api-fe-1","account_id":"{{account.Id}}","feature":"{{Feature}}","users":2,"at":"2026-11-05T10:00:00Z"},
             {"type":"feature_used","id":"api-fe-2","account_id":"{{account.Id}}","feature":"{{Feature}}","users":-1,"at":"2026-11-05T10:00:00Z"}]
            """;

        JsonObject first = await PostAsync(client, body, HttpStatusCode.BadRequest);
        JsonObject again = await PostAsync(client, body, HttpStatusCode.BadRequest);

        Assert.Equal((2, 1, 1, 0), ((int)first["received"]!, (int)first["feature_events"]!, (int)first["first_uses"]!, (int)first["applied"]!));
        Assert.Contains("'users'", (string?)first["rejected"]![0]!["problems"]![0], StringComparison.Ordinal);
        Assert.Equal((0, 0, 1), ((int)again["feature_events"]!, (int)again["first_uses"]!, (int)again["duplicates"]!));
        Assert.Contains(await ws.Growth.ListFirstUsesAsync(account.Id), x => x.Feature == Feature && x.FirstUsedOn == new DateOnly(2026, 11, 5));
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, string body, HttpStatusCode expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", "growth-key");
        HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonNode.Parse(text)!.AsObject();
    }
}
