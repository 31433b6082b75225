using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Host.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Host.Tests;

/// <summary>Per-user turn limits: the turn over the limit gets a polite reply, other users are unaffected, the bucket refills.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class RateLimitTests(SeededWorkspaceFixture fixture)
{
    [Fact]
    public async Task TheTurnOverTheLimit_GetsAPoliteReply_AndAnotherUserIsUnaffected()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("RateLimits:Burst", "3").UseSetting("RateLimits:TurnsPerMinute", "6"));
        using HttpClient client = factory.CreateClient();
        JsonObject info = (await client.GetFromJsonAsync<JsonObject>("/api/info"))!;
        string[] csms = ((JsonArray)info["users"]!).Where(u => (string?)u!["role"] == "csm").Select(u => (string)u!["id"]!).Take(2).ToArray();

        var replies = new List<(HttpStatusCode Status, JsonObject Body)>();
        for (int i = 0; i < 4; i++)
        {
            HttpResponseMessage response = await client.PostAsJsonAsync("/api/ask", new { question = "help", user = csms[0] });
            replies.Add((response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!));
        }

        HttpResponseMessage other = await client.PostAsJsonAsync("/api/ask", new { question = "help", user = csms[1] });

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies.Take(3), r => Assert.Equal("help", (string?)r.Body["tool"]));
        Assert.Null((string?)replies[3].Body["tool"]);
        Assert.Matches(@"^You're sending messages faster than I can answer; try again in \d+ seconds?\.$", (string?)replies[3].Body["reply"]);
        Assert.Equal("help", (string?)(await other.Content.ReadFromJsonAsync<JsonObject>())!["tool"]);
    }

    [Fact]
    public void ManyChannelIdentitiesActingAsOneUser_EachHaveTheirOwnBucket()
    {
        using var limiter = new TurnRateLimiter(new RateLimitOptions { Burst = 2, TurnsPerMinute = 1 }, NullLogger<TurnRateLimiter>.Instance);

        // Anonymous local mode: a load test's many from.ids all act as the admin.
        var refused = Enumerable.Range(0, 500).SelectMany(i => Enumerable.Range(0, 2).Select(_ => limiter.TryAcquire(new TurnRequest("msteams", "c" + i, "admin", "hi", Sender: "user-" + i)))).Count(w => w is not null);
        TimeSpan? third = limiter.TryAcquire(new TurnRequest("msteams", "c0", "admin", "hi", Sender: "user-0"));

        Assert.Equal(0, refused);
        Assert.NotNull(third);
        Assert.Equal("admin|msteams:user-7", TurnRateLimiter.PartitionKey(new TurnRequest("msteams", "c", "admin", "hi", Sender: "user-7")));
        Assert.Equal("u-csm1", TurnRateLimiter.PartitionKey(new TurnRequest("slack", "c", "u-csm1", "hi", Sender: "U-CSM1")));
    }

    [Fact]
    public async Task TheBucketRefills_AndTheReplySaysWhen()
    {
        // 600 a minute: one turn every 100 ms after a burst of one.
        using var limiter = new TurnRateLimiter(new RateLimitOptions { Burst = 1, TurnsPerMinute = 600 }, NullLogger<TurnRateLimiter>.Instance);
        var turn = new TurnRequest("web", "c", "u-1", "hi");
        int agentCalls = 0;
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = limiter.Wrap((_, _) =>
        {
            agentCalls++;
            return Task.FromResult(TurnReply.Plain("answer"));
        });

        TurnReply first = await agent(turn, CancellationToken.None);
        TurnReply second = await agent(turn, CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (limiter.TryAcquire(turn) is not null && watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20);
        }

        Assert.Equal("answer", first.Text);
        Assert.Equal("You're sending messages faster than I can answer; try again in 1 second.", second.Text);
        Assert.Equal(1, agentCalls);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), "the bucket never refilled");
    }

    [Fact]
    public void ZeroTurnsPerMinute_TurnsTheLimitOff()
    {
        using var limiter = new TurnRateLimiter(new RateLimitOptions { TurnsPerMinute = 0, Burst = 1 }, NullLogger<TurnRateLimiter>.Instance);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(limiter.TryAcquire(new TurnRequest("web", "c", "u", "hi"))));
    }
}
