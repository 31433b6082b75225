using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

/// <summary>
/// <c>POST /api/events</c> over HTTP: the API key, per-event refusals that keep the good events, idempotent re-sends, and
/// an event whose alert reaches the account owner's Teams chat as a proactive message (a Bot Connector on loopback).
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class EventsApiTests(SeededWorkspaceFixture fixture)
{
    private const string Key = "test-events-key";

    private HttpClient Client(string directory, string? apiKey = Key, string? riskJump = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today);
            if (apiKey is not null)
            {
                b.UseSetting("Events:ApiKey", apiKey);
            }

            if (riskJump is not null)
            {
                b.UseSetting("Alerts:RiskJumpPoints", riskJump);
            }
        });
        return factory.CreateClient();
    }

    private static HttpRequestMessage Post(string body, string? key = Key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task TheApiKeyIsRequired_AndTheApiIsOffWithoutOne()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        using HttpClient off = Client(directory, apiKey: null);
        using HttpClient on = Client(directory);

        HttpResponseMessage disabled = await off.SendAsync(Post("[]"));
        HttpResponseMessage missing = await on.SendAsync(Post("[]", key: null));
        HttpResponseMessage wrong = await on.SendAsync(Post("[]", key: "nope"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, disabled.StatusCode);
        Assert.Contains("Events:ApiKey", await disabled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(Key, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABatchWithBadEvents_Is400WithEachProblem_TheGoodOnesAreKept_AndResendingChangesNothing()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        using HttpClient client = Client(directory);
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account account = (await ws.Accounts.ListAsync(new(Tier: Tier.Gold)))[5];
        int before = (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == new DateOnly(2026, 10, 1)).Logins;
        string body = $$"""
            {"events": [
              {"type":"usage","id":"u-1","account_id":"{{account.Id}}","at":"2026-10-30T09:00:00Z","logins":4},
              {"type":"payment","id":"inv-ev-1","account_id":"{{account.Id}}","due_date":"2026-10-01","amount":1200,"status":"failed"},
              {"type":"usage","id":"u-2","account_id":"{{account.Id}}","at":"2026-10-30T09:00:00Z","logins":"many"},
              {"type":"usage","account_id":"NOPE","at":"2026-10-30T09:00:00Z","logins":1},
              42
            ]}
            """;

        HttpResponseMessage first = await client.SendAsync(Post(body));
        JsonObject answer = JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsObject();
        HttpResponseMessage again = await client.SendAsync(Post(body));
        JsonObject second = JsonNode.Parse(await again.Content.ReadAsStringAsync())!.AsObject();
        HttpResponseMessage garbage = await client.SendAsync(Post("{\"events\": [ {\"type\": "));

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal((5, 2, 1, 1), ((int)answer["received"]!, (int)answer["accepted"]!, (int)answer["applied"]!, (int)answer["payments"]!));
        JsonArray rejected = answer["rejected"]!.AsArray();
        Assert.Equal([2, 3, 4], rejected.Select(r => (int)r!["index"]!));
        string Problems(int i) => string.Join(" | ", rejected[i]!["problems"]!.AsArray().Select(p => (string?)p));
        Assert.Contains("logins", Problems(0), StringComparison.Ordinal);
        Assert.Contains("'id' is required", Problems(1), StringComparison.Ordinal);
        Assert.Contains("NOPE", Problems(1), StringComparison.Ordinal);
        Assert.Contains("not a JSON object", Problems(2), StringComparison.Ordinal);
        Assert.Equal(before + 4, (await ws.Activity.GetUsageAsync(account.Id)).Single(u => u.Month == new DateOnly(2026, 10, 1)).Logins);
        Assert.Contains(await ws.Activity.GetPaymentsAsync(account.Id), p => p.Id == "inv-ev-1" && p.Status == PaymentStatus.Failed);
        Assert.Equal((0, 1), ((int)second["applied"]!, (int)second["duplicates"]!));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        string garbageBody = await garbage.Content.ReadAsStringAsync();
        Assert.True(garbageBody.Contains("not valid JSON", StringComparison.Ordinal), garbageBody);
    }

    [Fact]
    public async Task AnEventThatRaisesRisk_ReachesTheOwnersChat_AsAnAlertCard()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, request) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{\"id\":\"a-1\"}");
        });
        using HttpClient client = Client(directory, riskJump: "1");
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        // One of Jamie's middling accounts, so the bad news is news. (Not the very healthiest: calibrated, its risk sits so
        // far down the curve that even this news moves it by less than a point.)
        CopilotRuntime scorer = CopilotRuntime.Open(HostSettings.Resolve(directory, SeededWorkspaceFixture.Today, null, null));
        var jamies = (await scorer.Risk.ScoreAsync(CancellationToken.None)).Where(r => r.Account.OwnerId == "jamie.ortiz").OrderBy(r => r.Probability).ToList();
        Account account = jamies[jamies.Count / 2].Account;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // Jamie has talked to the bot in Teams before; then three invoices fail and adoption collapses.
        await client.PostAsync("/api/messages", new StringContent(new JsonObject
        {
            ["type"] = "message", ["id"] = "m1", ["channelId"] = "msteams", ["serviceUrl"] = connector.BaseUrl, ["text"] = "hi",
            ["from"] = new JsonObject { ["id"] = "29:jamie", ["aadObjectId"] = "aad-jamie", ["name"] = "Jamie Ortiz" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CopilotBot" },
            ["conversation"] = new JsonObject { ["id"] = "a:jamie-personal", ["conversationType"] = "personal" },
        }.ToJsonString(), Encoding.UTF8, "application/json"));
        var events = new JsonArray(new JsonObject
        {
            ["type"] = "usage", ["id"] = "drop-" + account.Id, ["account_id"] = account.Id, ["at"] = "2026-10-31T12:00:00Z", ["feature_adoption"] = 0.0,
        });
        foreach (int month in new[] { 8, 9, 10 })
        {
            events.Add(new JsonObject { ["type"] = "payment", ["id"] = $"fail-{month}-{account.Id}", ["account_id"] = account.Id, ["due_date"] = $"2026-{month:00}-05", ["amount"] = 5000, ["status"] = "failed" });
        }

        HttpResponseMessage response = await client.SendAsync(Post(events.ToJsonString()));
        JsonObject answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        RecordedRequest? alert = null;
        for (int i = 0; i < 100 && alert is null; i++)
        {
            alert = connector.Requests.FirstOrDefault(r => r.Body.Contains(account.Name, StringComparison.Ordinal) && r.Body.Contains("risk", StringComparison.OrdinalIgnoreCase));
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)answer["alerts"]! >= 1, answer.ToJsonString() + " stored: " + string.Join("; ", (await ws.Alerts.ListAsync(null, null, null, null)).Select(a => $"{a.Trigger} {a.AccountId} {a.Delivery} {a.Summary}")));
        Assert.NotNull(alert);
        Assert.Contains("/v3/conversations/a%3Ajamie-personal/activities", alert.RawTarget, StringComparison.Ordinal);
        Assert.Contains("alerts.dismiss", alert.Body, StringComparison.Ordinal);
        Alert stored = Assert.Single(await ws.Alerts.ListAsync("jamie.ortiz", null, null, AlertDelivery.Sent), a => a.AccountId == account.Id && a.Trigger == "risk_jump");
        Assert.Equal("msteams", stored.DeliveredVia);
    }
}
