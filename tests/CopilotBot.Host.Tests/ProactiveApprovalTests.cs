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
/// Approval requests reach the approvers without them asking: a CSM sends a draft for a Platinum account, each approver
/// gets the approval card in the personal chat they last used (a real Bot Connector API on loopback receives the posts),
/// and when one approves, every posted copy is replaced with the decided card.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ProactiveApprovalTests(SeededWorkspaceFixture fixture)
{
    [Fact]
    public async Task SendDraftForPlatinum_PostsTheCardToEveryApprover_AndTheDecisionUpdatesEveryCopy()
    {
        string directory = CopyOfFixture();
        var ids = new System.Collections.Concurrent.ConcurrentDictionary<RecordedRequest, string>(ReferenceEqualityComparer.Instance);
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, request) =>
        {
            string id = ids.GetOrAdd(request, _ => "posted-" + Guid.NewGuid().ToString("N")[..8]);
            context.Response.StatusCode = request.Method == "POST" ? StatusCodes.Status201Created : StatusCodes.Status200OK;
            await context.Response.WriteAsync($"{{\"id\":\"{id}\"}}");
        });
        using HttpClient client = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today))
            .CreateClient();
        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Account platinum = (await ws.Accounts.ListAsync(new(OwnerIds: ["jamie.ortiz"], Tier: Tier.Platinum)))[0];

        // Both approvers have talked to the bot before, in their personal chats.
        foreach ((string name, string aad) in new[] { ("Dana Whitfield", "aad-dana"), ("Samuel Okafor", "aad-samuel") })
        {
            HttpResponseMessage hello = await client.PostAsync("/api/messages", Activity(connector.BaseUrl, "message", name, aad, $"a:{aad}-personal", text: "hi"));
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        HttpResponseMessage send = await client.PostAsync("/api/messages", Activity(
            connector.BaseUrl, "invoke", "Jamie Ortiz", "aad-jamie", "a:aad-jamie-personal",
            value: Execute("interventions.send_draft", new JsonObject { ["account"] = platinum.Id, ["channel"] = "email" })));
        string sendBody = await send.Content.ReadAsStringAsync();
        Intervention request = (await ws.Interventions.ListAsync(platinum.Id)).Single(i => i.Status == InterventionStatus.PendingApproval);

        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Contains($"Approval needed: {platinum.Name}", sendBody, StringComparison.Ordinal);
        RecordedRequest toDana = Single(connector, "POST", "a%3Aaad-dana-personal", $"Approval needed: {platinum.Name}");
        RecordedRequest toSamuel = Single(connector, "POST", "a%3Aaad-samuel-personal", $"Approval needed: {platinum.Name}");
        Assert.Contains(request.Id, toDana.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(connector.Requests, r => r.RawTarget.Contains("aad-jamie", StringComparison.Ordinal) && r.Body.Contains("Approval needed", StringComparison.Ordinal) && r.Method == "POST" && !r.RawTarget.Contains("/activities/", StringComparison.Ordinal));
        string danaCopy = ids[toDana];

        HttpResponseMessage approve = await client.PostAsync("/api/messages", Activity(
            connector.BaseUrl, "invoke", "Dana Whitfield", "aad-dana", "a:aad-dana-personal",
            value: Execute("approve", new JsonObject { ["intervention"] = request.Id }), replyToId: danaCopy));
        string approveBody = await approve.Content.ReadAsStringAsync();

        Assert.Contains("Approved by Dana Whitfield", approveBody, StringComparison.Ordinal);
        RecordedRequest samuelUpdate = Single(connector, "PUT", "a%3Aaad-samuel-personal/activities/", "Approved by Dana Whitfield");
        Assert.EndsWith("/activities/" + ids[toSamuel], samuelUpdate.RawTarget, StringComparison.Ordinal);
        Assert.Equal(InterventionStatus.Pending, (await ws.Interventions.GetAsync(request.Id))!.Status);
        IReadOnlyList<AuditEntry> audit = await ws.Audit.ReadAsync();
        Assert.Single(audit, e => e.Action == "approval.requested" && e.Details!.Contains(request.Id, StringComparison.Ordinal) && e.Actor == "jamie.ortiz");
        AuditEntry notified = Assert.Single(audit, e => e.Action == "approval.notified" && e.Details!.Contains(request.Id, StringComparison.Ordinal));
        Assert.Contains("dana.whitfield", notified.Details!, StringComparison.Ordinal);
        Assert.Contains("samuel.okafor", notified.Details!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferencesAreKeptForPersonalChatsOnly()
    {
        string directory = CopyOfFixture();
        await using LoopbackServer connector = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{\"id\":\"x\"}");
        });
        using HttpClient client = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today))
            .CreateClient();

        await client.PostAsync("/api/messages", Activity(connector.BaseUrl, "message", "Dana Whitfield", "aad-dana", "19:team-channel;messageid=1", text: "<at>CopilotBot</at> hi", conversationType: "channel"));
        await client.PostAsync("/api/messages", Activity(connector.BaseUrl, "message", "Samuel Okafor", "aad-samuel", "a:samuel-personal", text: "hi"));

        CopilotWorkspace ws = CopilotWorkspace.Open(directory);
        Assert.Empty(await ws.ConversationReferences.ListAsync("dana.whitfield"));
        ConversationReference samuel = Assert.Single(await ws.ConversationReferences.ListAsync("samuel.okafor"));
        Assert.Equal(("msteams", "a:samuel-personal"), (samuel.Channel, samuel.ConversationId));
        Assert.Contains(connector.BaseUrl, samuel.Reference, StringComparison.Ordinal);
    }

    private string CopyOfFixture() => SeededWorkspaceFixture.Copy(fixture.Directory);

    private static RecordedRequest Single(LoopbackServer connector, string method, string pathPart, string bodyPart) =>
        Assert.Single(connector.Requests, r => r.Method == method && r.RawTarget.Contains(pathPart, StringComparison.Ordinal) && r.Body.Contains(bodyPart, StringComparison.Ordinal));

    private static JsonObject Execute(string verb, JsonObject data) => new()
    {
        ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data },
        ["trigger"] = "manual",
    };

    private static StringContent Activity(
        string serviceUrl, string type, string userName, string aad, string conversation,
        string? text = null, JsonObject? value = null, string? replyToId = null, string conversationType = "personal") =>
        new(new JsonObject
        {
            ["type"] = type,
            ["name"] = type == "invoke" ? "adaptiveCard/action" : null,
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = serviceUrl,
            ["from"] = new JsonObject { ["id"] = "29:" + aad, ["aadObjectId"] = aad, ["name"] = userName },
            ["recipient"] = new JsonObject { ["id"] = "28:copilotbot", ["name"] = "CopilotBot" },
            ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = conversationType },
            ["text"] = text,
            ["value"] = value,
            ["replyToId"] = replyToId,
        }.ToJsonString(), Encoding.UTF8, "application/json");
}
