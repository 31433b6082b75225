using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The approve/reject flow end to end through the bot's HTTP endpoint, with Adaptive Card <c>Action.Execute</c> invoke
/// payloads as Teams (and the Agents Playground) send them; the invoke response carries the updated card.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class TeamsApprovalFlowTests(SeededWorkspaceFixture fixture)
{
    // Its own copy: the approvals it writes must not reach other tests' copies of the shared workspace.
    private readonly string _directory = SeededWorkspaceFixture.Copy(fixture.Directory);

    private HttpClient Client() => new WebApplicationFactory<Program>()
        .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today))
        .CreateClient();

    private static StringContent Invoke(string verb, string intervention, string userName, string aad) =>
        new(new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = "http://localhost:56150/_connector",
            ["from"] = new JsonObject { ["id"] = "29:" + aad, ["aadObjectId"] = aad, ["name"] = userName },
            ["recipient"] = new JsonObject { ["id"] = "28:copilotbot", ["name"] = "CopilotBot" },
            ["conversation"] = new JsonObject { ["id"] = "a:approvals-channel", ["conversationType"] = "channel" },
            ["replyToId"] = "1700000000000",
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = new JsonObject { ["intervention"] = intervention } },
                ["trigger"] = "manual",
            },
        }.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<Intervention> PendingRequestAsync()
    {
        var ws = Workspace.CopilotWorkspace.Open(_directory);
        Account platinum = (await ws.Accounts.ListAsync(new(Tier: Tier.Platinum)))[Random.Shared.Next(10, 30)];
        var request = new Intervention("Iteams" + Guid.NewGuid().ToString("N")[..8], platinum.Id, "email", InterventionStatus.PendingApproval, 0.91,
            new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero), "agent", "Hi team, …", null, null);
        await ws.Interventions.UpsertAsync([request]);
        return request;
    }

    [Fact]
    public async Task ApproveClick_ReplacesTheCard_ThenSecondClickAndNonApproverGetClearAnswers()
    {
        Intervention request = await PendingRequestAsync();
        using HttpClient client = Client();

        HttpResponseMessage first = await client.PostAsync("/api/messages", Invoke("approve", request.Id, "Dana Whitfield", "aad-dana"));
        JsonObject firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsObject();
        HttpResponseMessage second = await client.PostAsync("/api/messages", Invoke("approve", request.Id, "Samuel Okafor", "aad-samuel"));
        string secondBody = await second.Content.ReadAsStringAsync();
        Intervention other = await PendingRequestAsync();
        HttpResponseMessage csm = await client.PostAsync("/api/messages", Invoke("approve", other.Id, "Jamie Ortiz", "aad-jamie"));
        string csmBody = await csm.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(200, (int?)firstBody["statusCode"] ?? 200);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)firstBody["type"]);
        JsonObject card = firstBody["value"]!.AsObject();
        Assert.Equal(("AdaptiveCard", "1.5"), ((string?)card["type"], (string?)card["version"]));
        Assert.Contains("Approved by Dana Whitfield at", card.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Already approved by Dana Whitfield", secondBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, csm.StatusCode);
        Assert.Contains("Only approvers", csmBody, StringComparison.Ordinal);

        var ws = Workspace.CopilotWorkspace.Open(_directory);
        Assert.Equal(InterventionStatus.Pending, (await ws.Interventions.GetAsync(request.Id))!.Status);
        Assert.Equal(InterventionStatus.PendingApproval, (await ws.Interventions.GetAsync(other.Id))!.Status);
        var audit = await ws.Audit.ReadAsync();
        Assert.Single(audit, e => e.Action == "approval.approved" && e.Details!.Contains(request.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RejectClick_ReplacesTheCardWithTheRejection()
    {
        Intervention request = await PendingRequestAsync();
        using HttpClient client = Client();

        HttpResponseMessage response = await client.PostAsync("/api/messages", Invoke("reject", request.Id, "Samuel Okafor", "aad-samuel"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Rejected by Samuel Okafor", body, StringComparison.Ordinal);
        Assert.Equal(InterventionStatus.Rejected, (await Workspace.CopilotWorkspace.Open(_directory).Interventions.GetAsync(request.Id))!.Status);
    }

    [Fact]
    public async Task Messages_RejectsMalformedActivities_With400AndAcceptsTheHeadProbe()
    {
        using HttpClient client = Client();

        HttpResponseMessage bad = await client.PostAsync("/api/messages", new StringContent("{\"type\": \"message\"", Encoding.UTF8, "application/json"));
        HttpResponseMessage noConversation = await client.PostAsync("/api/messages", new StringContent("{\"type\":\"message\",\"text\":\"hi\"}", Encoding.UTF8, "application/json"));
        HttpResponseMessage head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/messages"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noConversation.StatusCode);
        Assert.True(head.IsSuccessStatusCode);
    }
}
