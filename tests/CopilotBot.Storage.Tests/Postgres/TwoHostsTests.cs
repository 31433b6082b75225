using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Host;
using CopilotBot.Host.Cli;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Storage.Tests.Postgres;

/// <summary>
/// Two bot hosts (the real web host, in process) on one PostgreSQL database and one workspace folder, as two instances
/// behind a load balancer: the agent's hourly cap, approval decisions, Slack retry deduplication, alert deduplication and
/// the per-user turn limit hold across them, and a chart image either host rendered is served by both.
/// </summary>
[PostgresTests]
[Trait("Category", "Integration")]
public sealed class TwoHostsTests(TwoHostsFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TwoHostsFixture>
{
    private const string SlackSecret = TwoHostsFixture.SlackSecret;
    private readonly WebApplicationFactory<Program> _a = fixture.A, _b = fixture.B;
    private readonly TwoHostsFixture.RecordingSlack _slackA = fixture.SlackA, _slackB = fixture.SlackB;

    [StoreFact]
    public async Task AgentRuns_ActOnExactlyTheHourlyCap_WhenBothHostsRunAtOnce()
    {
        CopilotRuntime a = Runtime(_a), b = Runtime(_b);
        // After everything the other tests in this class do (their clock is pinned to 2026-11-21), so the counts are the run's.
        var now = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
        // Lower the threshold (kept in the shared database) so that about 120 non-Platinum accounts are eligible.
        IReadOnlyList<AccountRisk> risks = await a.Risk.ScoreAsync(CancellationToken.None);
        double threshold = risks.Where(r => r.Account.Tier != Tier.Platinum).Select(r => r.Probability).OrderDescending().ElementAt(119);
        await a.InterventionAgent.SetLimitAsync(InterventionAgent.ThresholdKey, threshold.ToString("R", CultureInfo.InvariantCulture), DemoUsers.AdminId, now, CancellationToken.None);
        int alreadyThisHour = (await a.Workspace.Interventions.ListAsync(null)).Count(i =>
            i.CreatedBy == AgentOptions.ActorId && i.Status != InterventionStatus.PendingApproval && i.CreatedAt > now.AddHours(-1));

        AgentRunReport[] reports = await Task.WhenAll(
            Task.Run(() => a.InterventionAgent.RunAsync(DemoUsers.AdminId, now, dryRun: false, CancellationToken.None)),
            Task.Run(() => b.InterventionAgent.RunAsync(DemoUsers.AdminId, now.AddSeconds(1), dryRun: false, CancellationToken.None)));

        var created = (await b.Workspace.Interventions.ListAsync(null)).Where(i => i.CreatedBy == AgentOptions.ActorId && i.CreatedAt >= now).ToList();
        var acted = created.Where(i => i.Status != InterventionStatus.PendingApproval).ToList();
        var requests = created.Where(i => i.Status == InterventionStatus.PendingApproval).ToList();
        IReadOnlyList<AuditEntry> audit = await a.Workspace.Audit.ReadAsync();
        var followUps = (await a.Workspace.Tasks.ListAsync(null, null, null)).Where(t => t.CreatedBy == AgentOptions.ActorId && t.CreatedAt >= now).ToList();

        Assert.True(reports.All(r => r.Decisions.Count >= 120), "both runs saw the eligible accounts");
        Assert.Equal(50 - alreadyThisHour, reports.Sum(r => r.Acted));
        Assert.Equal(50 - alreadyThisHour, acted.Count);
        Assert.Equal(acted.Count, acted.Select(i => i.AccountId).Distinct().Count());
        Assert.Equal(requests.Count, requests.Select(i => i.AccountId).Distinct().Count());
        Assert.Equal(reports.Sum(r => r.QueuedForApproval), requests.Count);
        Assert.Null(AuditChain.FirstProblem(audit));
        Assert.Equal(acted.Count, audit.Count(e => e.Action == "agent.intervention" && e.At >= now));
        Assert.Equal(acted.Count, followUps.Count);
        Assert.Equal(followUps.Count, followUps.Select(t => t.Id).Distinct().Count());
    }

    [StoreFact]
    public async Task ApprovalClicks_ApplyOnce_WhenTheSameRequestIsApprovedOnBothHostsAtOnce()
    {
        CopilotRuntime a = Runtime(_a);
        Account platinum = (await a.Workspace.Accounts.ListAsync(new AccountQuery(Tier: Tier.Platinum)))[3];
        var request = new Intervention("Ihosts" + Guid.NewGuid().ToString("N")[..8], platinum.Id, "email", InterventionStatus.PendingApproval, 0.93,
            new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero), "agent", "Hi team, …", null, null);
        await a.Workspace.Interventions.UpsertAsync([request]);
        using HttpClient clientA = _a.CreateClient(), clientB = _b.CreateClient();

        HttpResponseMessage[] responses = await Task.WhenAll(
            Task.Run(() => clientA.PostAsync("/api/messages", Approve(request.Id, "Dana Whitfield", "aad-dana"))),
            Task.Run(() => clientB.PostAsync("/api/messages", Approve(request.Id, "Samuel Okafor", "aad-samuel"))));
        string[] bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Intervention decided = (await Runtime(_b).Workspace.Interventions.GetAsync(request.Id))!;
        IReadOnlyList<AuditEntry> audit = await a.Workspace.Audit.ReadAsync();

        foreach (string body in bodies)
        {
            output.WriteLine(body);
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Both cards show the one decision; only the loser's says its click changed nothing.
        Assert.All(bodies, b => Assert.Contains("Approved by", b, StringComparison.Ordinal));
        Assert.Single(bodies, b => b.Contains("already decided", StringComparison.Ordinal));
        Assert.Equal(InterventionStatus.Pending, decided.Status);
        Assert.Contains(decided.DecidedBy, new[] { "dana.whitfield", "samuel.okafor" });
        Assert.Single(audit, e => e.Action == "approval.approved" && e.Details!.Contains(request.Id, StringComparison.Ordinal));
        Assert.Null(AuditChain.FirstProblem(audit));
    }

    [StoreFact]
    public async Task SlackRetries_AreAnsweredOnce_WhenTheRetryReachesTheOtherHost()
    {
        using HttpClient clientA = _a.CreateClient(), clientB = _b.CreateClient();
        string first = Callback("Ev-two-hosts-1"), second = Callback("Ev-two-hosts-2");
        int baseline = _slackA.Posts + _slackB.Posts; // the hosts are shared with the other tests of the class

        HttpResponseMessage[] responses = await Task.WhenAll(
            Task.Run(() => clientA.PostAsync("/api/slack/events", Signed(first))),
            Task.Run(() => clientB.PostAsync("/api/slack/events", Signed(first, retry: "1"))),
            Task.Run(() => clientB.PostAsync("/api/slack/events", Signed(first, retry: "2"))),
            Task.Run(() => clientB.PostAsync("/api/slack/events", Signed(second))));

        // Each host alone would answer its copies of the first event (three answers); sharing the database, it is answered once.
        int posts = await SettledAsync(() => _slackA.Posts + _slackB.Posts - baseline, expected: 2);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, posts);
    }

    [StoreFact]
    public async Task SlackRetry_IsNotAnsweredAgain_ByAnInstanceStartedAfterTheFirstDelivery()
    {
        // Issue #17 item 7: retry deduplication survives a restart (here: a host started after the first delivery).
        using HttpClient clientA = _a.CreateClient();
        string callback = Callback("Ev-restart-1");
        int baseline = _slackA.Posts + _slackB.Posts; // the hosts are shared with the other tests
        HttpResponseMessage first = await clientA.PostAsync("/api/slack/events", Signed(callback));
        int before = await SettledAsync(() => _slackA.Posts + _slackB.Posts - baseline, expected: 1);

        var slackC = new TwoHostsFixture.RecordingSlack();
        await using WebApplicationFactory<Program> restarted = fixture.StartAnother(slackC);
        using HttpClient clientC = restarted.CreateClient();
        HttpResponseMessage retry = await clientC.PostAsync("/api/slack/events", Signed(callback, retry: "1"));
        await Task.Delay(1500);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        Assert.Equal(1, before);
        Assert.Equal(0, slackC.Posts);
        restarted.Services.GetRequiredService<CopilotRuntime>().Workspace.Dispose();
    }

    [StoreFact]
    public async Task Alerts_AreRaisedOnce_WhenBothHostsRaiseTheSameAlertAtOnce()
    {
        IAlertStore a = Runtime(_a).Workspace.Alerts, b = Runtime(_b).Workspace.Alerts;
        var at = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

        AlertRaise[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).TryRaiseAsync(new Alert("AL" + i, "usage_drop", "P10001", "jamie.ortiz", 1, "Usage fell", "usage_drop|P10001|2026-W47", at), 5))));

        Assert.Single(results, r => r == AlertRaise.Raised);
        Assert.Single(await b.ListAsync("jamie.ortiz", null, null, null));
    }

    [StoreFact]
    public async Task Turns_AreRefusedAfterTheBurstInTotal_WhenAUserAlternatesBetweenTheHosts()
    {
        using HttpClient clientA = _a.CreateClient(), clientB = _b.CreateClient();
        JsonObject info = (await clientA.GetFromJsonAsync<JsonObject>("/api/info"))!;
        string csm = ((JsonArray)info["users"]!).Where(u => (string?)u!["role"] == "csm").Select(u => (string)u!["id"]!).Last();

        var replies = new List<(HttpStatusCode Status, JsonObject Body)>();
        for (int i = 0; i < 2 * TwoHostsFixture.Burst; i++)
        {
            HttpResponseMessage response = await (i % 2 == 0 ? clientA : clientB).PostAsJsonAsync("/api/ask", new { question = "help", user = csm });
            replies.Add((response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!));
        }

        // Each host alone allows a burst: 2 × Burst answers. One bucket in the database allows Burst.
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies.Take(TwoHostsFixture.Burst), r => Assert.Equal("help", (string?)r.Body["tool"]));
        Assert.All(replies.Skip(TwoHostsFixture.Burst), r =>
        {
            Assert.Null((string?)r.Body["tool"]);
            Assert.Matches(@"^You're sending messages faster than I can answer; try again in \d+ seconds?\.$", (string?)r.Body["reply"]);
        });
    }

    [StoreFact]
    public async Task ChartImages_AreServedByTheOtherHost_WhenOneHostRenderedThemForASlackReply()
    {
        using HttpClient clientA = _a.CreateClient(), clientB = _b.CreateClient();
        string unknown = $"/charts/{new string('b', 64)}.png";

        HttpResponseMessage ack = await clientA.PostAsync(
            "/api/slack/events", Signed(Callback("Ev-two-hosts-chart", TwoHostsFixture.SlackAdmin, "show support sentiment trends for the last 12 weeks", "DCHARTS")));
        await SettledAsync(() => _slackA.BlocksPostedTo("DCHARTS").Count, expected: 1);
        JsonArray blocks = Assert.Single(_slackA.BlocksPostedTo("DCHARTS"))!;
        string url = (string)blocks.First(b => (string?)b!["type"] == "image")!["image_url"]!;
        string path = new Uri(url).AbsolutePath;
        string hash = path["/charts/".Length..^".png".Length];
        bool bHadItInMemory = _b.Services.GetRequiredService<ChartImageCache>().TryGet(hash + ".png", out _);

        HttpResponseMessage fromB = await clientB.GetAsync(path);
        HttpResponseMessage fromA = await clientA.GetAsync(path);
        byte[] bytesB = await fromB.Content.ReadAsByteArrayAsync(), bytesA = await fromA.Content.ReadAsByteArrayAsync();
        HttpResponseMessage unknownA = await clientA.GetAsync(unknown), unknownB = await clientB.GetAsync(unknown);

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.StartsWith(TwoHostsFixture.PublicBaseUrl + "/charts/", url, StringComparison.Ordinal);
        Assert.False(bHadItInMemory);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        Assert.Equal("image/png", fromB.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytesA, bytesB);
        Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(bytesB)));
        Assert.Equal(HttpStatusCode.NotFound, unknownA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownB.StatusCode);
    }

    /// <summary>Waits for background answers: until the count reaches <paramref name="expected"/>, then a moment more for strays.</summary>
    private static async Task<int> SettledAsync(Func<int> count, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (count() < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1500);
        return count();
    }

    private static CopilotRuntime Runtime(WebApplicationFactory<Program> host) => host.Services.GetRequiredService<CopilotRuntime>();

    private static StringContent Approve(string intervention, string userName, string aad) =>
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
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "approve", ["data"] = new JsonObject { ["intervention"] = intervention } },
                ["trigger"] = "manual",
            },
        }.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Callback(string eventId) => Callback(eventId, "U123", "hello", "D1");

    private static string Callback(string eventId, string user, string text, string channel) => new JsonObject
    {
        ["team_id"] = "T1",
        ["api_app_id"] = "A1",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = user, ["text"] = text, ["ts"] = "1700000001.000200", ["channel"] = channel },
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T1", ["user_id"] = "UBOT", ["is_bot"] = true }),
    }.ToJsonString();

    private static StringContent Signed(string json, string? retry = null)
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        string ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        content.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
        content.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign(SlackSecret, ts, Encoding.UTF8.GetBytes(json)));
        if (retry is not null)
        {
            content.Headers.Add("X-Slack-Retry-Num", retry);
            content.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return content;
    }
}
