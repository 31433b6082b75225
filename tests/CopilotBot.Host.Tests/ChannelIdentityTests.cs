using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotBot.Channels.Slack;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Host.Tests;

/// <summary>
/// Channel identities kept in the workspace (<c>import users</c> with <c>teams_aad_id</c>, <c>slack_id</c>, <c>aliases</c>):
/// a Teams activity and a Slack event from a mapped person get that person's scope through the real endpoints; an
/// unmapped Slack user is told they are unknown; configuration still wins over the workspace.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed partial class ChannelIdentityTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private const string Csm = "sofia.marino";
    private const string Aad = "6b1d3c9a-0f2e-4c1b-9e8d-7a6b5c4d3e2f";
    private const string SlackId = "U024BE7LH";
    private const string SigningSecret = "test-signing-secret";

    private readonly string _directory = SeededWorkspaceFixture.Copy(fixture.Directory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }

    private async Task<(IReadOnlySet<string> Book, ImportReport Report)> MapAsync(string extraRows = "")
    {
        CopilotWorkspace workspace = CopilotWorkspace.Open(_directory);
        User sofia = (await workspace.Users.GetAsync(Csm))!;
        string file = Path.Combine(_directory, "users-identities.csv");
        await File.WriteAllTextAsync(file,
            "id,name,role,email,manager,teams_aad_id,slack_id,aliases\n" +
            $"{sofia.Id},{sofia.Name},csm,{sofia.Email},{sofia.ManagerId},{Aad},{SlackId},Sofia M;sofi\n" + extraRows);
        ImportReport report = await new WorkspaceImporter(workspace, DateOnly.Parse(SeededWorkspaceFixture.Today, CultureInfo.InvariantCulture)).ImportAsync(ImportKind.Users, file);
        var book = (await workspace.Accounts.ListAsync(new(OwnerIds: [Csm], Status: null))).Select(a => a.Id).ToHashSet();
        return (book, report);
    }

    [Fact]
    public async Task Import_StoresTeamsSlackAndAliasIdentities_AndReportsBadOnesByLine()
    {
        (_, ImportReport report) = await MapAsync(
            "lukas.weber,Lukas Weber,csm,lukas.weber@copilotbot.demo,,not-a-guid,U024BE7LH,\n" +
            "amara.diallo,Amara Diallo,csm,amara.diallo@copilotbot.demo,,,sofi-slack,\n");
        CopilotWorkspace workspace = CopilotWorkspace.Open(_directory);

        Assert.Equal(3, report.RowsRead);
        Assert.Equal([3, 3, 4], report.Errors.Select(e => e.Line));
        Assert.Contains(report.Errors, e => e.Message.Contains("'teams_aad_id' 'not-a-guid' is not an Entra object id", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Message.Contains("slack id 'U024BE7LH' is already given to sofia.marino on line 2", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Message.Contains("'slack_id' 'sofi-slack' is not a Slack member id", StringComparison.Ordinal));
        Assert.Equal(
            [
                new UserIdentity(IdentityChannels.Alias, "sofi", Csm), new UserIdentity(IdentityChannels.Alias, "Sofia M", Csm),
                new UserIdentity(IdentityChannels.Slack, SlackId, Csm), new UserIdentity(IdentityChannels.Teams, Aad, Csm),
            ],
            await workspace.Users.ListIdentitiesAsync());
        // The rejected rows changed nothing: Lukas keeps his record and gets no identity.
        Assert.Equal("Lukas Weber", (await workspace.Users.GetAsync("lukas.weber"))!.Name);
        // An alias works as --as on the command line.
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(_directory, SeededWorkspaceFixture.Today, "Sofia M", null));
        Assert.Equal(Csm, (await runtime.ActingUserAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Users_command_lists_each_users_channel_identities()
    {
        await MapAsync();

        (int exit, string json, _) = await Cli.RunAsync("", "users", "--json", "--workspace", _directory);
        (int textExit, string text, _) = await Cli.RunAsync("", "users", "--workspace", _directory);

        Assert.Equal((0, 0), (exit, textExit));
        JsonArray users = JsonNode.Parse(json)!.AsArray();
        JsonNode sofia = users.Single(u => (string?)u!["id"] == Csm)!;
        Assert.Equal([Aad], sofia["identities"]!["teams"]!.AsArray().Select(v => (string?)v));
        Assert.Equal([SlackId], sofia["identities"]!["slack"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["Sofia M", "sofi"], sofia["identities"]!["alias"]!.AsArray().Select(v => (string?)v).Order(StringComparer.Ordinal));
        Assert.All(users.Where(u => (string?)u!["id"] != Csm), u => Assert.Empty(u!["identities"]!["teams"]!.AsArray()));
        string line = text.Split('\n').Single(l => l.StartsWith(Csm + " ", StringComparison.Ordinal));
        Assert.Contains($"teams:{Aad}, slack:{SlackId}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamsClick_FromAMappedEntraId_GetsThatCsmsScope_AndConfigurationWins()
    {
        (IReadOnlySet<string> book, _) = await MapAsync();
        using WebApplicationFactory<Program> host = Host();
        using WebApplicationFactory<Program> configuredHost = Host(("Channels:Users:" + Aad, "lukas.weber"));
        using HttpClient client = host.CreateClient();
        using HttpClient configured = configuredHost.CreateClient();

        string mapped = await (await client.PostAsync("/api/messages", Invoke(Aad))).Content.ReadAsStringAsync();
        string unmapped = await (await client.PostAsync("/api/messages", Invoke("0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f"))).Content.ReadAsStringAsync();
        string overridden = await (await configured.PostAsync("/api/messages", Invoke(Aad))).Content.ReadAsStringAsync();

        var mappedIds = AccountIds(mapped);
        Assert.NotEmpty(mappedIds);
        Assert.Subset(book.ToHashSet(), mappedIds);
        Assert.Contains("in your book", mapped, StringComparison.Ordinal);
        // Unmapped, the anonymous local mode's fallback (the admin) sees the whole portfolio.
        Assert.Contains(AccountIds(unmapped), id => !book.Contains(id));
        // Channels:Users maps the same Entra id to Lukas: configuration wins over the workspace.
        Assert.NotEmpty(AccountIds(overridden));
        Assert.DoesNotContain(AccountIds(overridden), book.Contains);
    }

    [Fact]
    public async Task SlackEvent_FromAMappedMemberId_GetsThatCsmsScope_AndAnUnmappedOneIsToldTheyAreUnknown()
    {
        (IReadOnlySet<string> book, _) = await MapAsync();
        var slack = new RecordingSlack();
        using WebApplicationFactory<Program> host = Host(("Slack:SigningSecret", SigningSecret), ("Slack:BotToken", "xoxb-test"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ISlackApi>(slack)));
        using HttpClient client = host.CreateClient();

        HttpResponseMessage known = await client.PostAsync("/api/slack/events", Signed(SlackEvent("Ev-mapped", SlackId, "D-sofia")));
        HttpResponseMessage unknown = await client.PostAsync("/api/slack/events", Signed(SlackEvent("Ev-unmapped", "U0UNMAPPED", "D-stranger")));
        string toSofia = await slack.WaitForAsync("D-sofia");
        string toStranger = await slack.WaitForAsync("D-stranger");

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var ids = AccountIds(toSofia);
        Assert.NotEmpty(ids);
        Assert.Subset(book.ToHashSet(), ids);
        Assert.Contains("I don't know you yet", toStranger, StringComparison.Ordinal);
        Assert.Empty(AccountIds(toStranger));
    }

    private WebApplicationFactory<Program> Host(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today).UseSetting("Bot:InvokeTimeout", "00:01:00");
            foreach ((string key, string value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

    /// <summary>A card click as Teams sends it (Action.Execute): "which accounts are at risk", answered in the invoke response.</summary>
    private static StringContent Invoke(string aad) =>
        new(new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = "http://localhost:56150/_connector",
            // A display name that matches no workspace user, so only the identity map can say who this is.
            ["from"] = new JsonObject { ["id"] = "29:1-" + aad, ["aadObjectId"] = aad, ["name"] = "S. M." },
            ["recipient"] = new JsonObject { ["id"] = "28:copilotbot", ["name"] = "CopilotBot" },
            ["conversation"] = new JsonObject { ["id"] = "a:personal-" + aad, ["conversationType"] = "personal" },
            ["value"] = new JsonObject
            {
                // A low threshold, so every CSM's list has accounts whatever the calibration makes of the demo.
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "churn.at_risk", ["data"] = new JsonObject { ["threshold"] = "0.02" } },
                ["trigger"] = "manual",
            },
        }.ToJsonString(), Encoding.UTF8, "application/json");

    private static string SlackEvent(string eventId, string user, string channel) => new JsonObject
    {
        ["token"] = "legacy",
        ["team_id"] = "T1",
        ["api_app_id"] = "A1",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["event"] = new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["user"] = user, ["text"] = "which accounts are most likely to churn?",
            ["ts"] = "1700000001.000200", ["channel"] = channel,
        },
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T1", ["user_id"] = "UBOT", ["is_bot"] = true }),
    }.ToJsonString();

    private static ByteArrayContent Signed(string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        string ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
        content.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign(SigningSecret, ts, body));
        return content;
    }

    private static HashSet<string> AccountIds(string text) => AccountId().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\bP1\d{4}\b")]
    private static partial Regex AccountId();

    /// <summary>Slack's Web API, which is not reachable from here: records what the bot posts.</summary>
    private sealed class RecordingSlack : ISlackApi
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _posts = new();

        public Task<string> WaitForAsync(string channel) => Slot(channel).Task.WaitAsync(TimeSpan.FromSeconds(60));

        public Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
        {
            Slot(channel).TrySetResult(text + "\n" + blocks?.ToJsonString());
            return Task.FromResult(new SlackMessageRef(channel, "1700000002.000300"));
        }

        public Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SlackMessageRef(channel, ts));

        public Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default) => Task.CompletedTask;

        private TaskCompletionSource<string> Slot(string channel) =>
            _posts.GetOrAdd(channel, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
