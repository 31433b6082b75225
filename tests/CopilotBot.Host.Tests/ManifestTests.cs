using System.Net;
using System.Text.Json.Nodes;
using CopilotBot.Conversation.Functions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

/// <summary>The Teams and Slack app manifests parse, follow their formats, and point at what the host really serves.</summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ManifestTests(SeededWorkspaceFixture fixture)
{
    private static string Repo(string relative)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CopilotBot.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public void TeamsManifest_HasTheCurrentSchema_BotScopes_Icons_AndCommandsFromTheCatalog()
    {
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(Repo("manifest/teams/manifest.json")))!.AsObject();
        CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

        Assert.Equal("1.25", (string?)manifest["manifestVersion"]);
        Assert.Contains("v1.25/MicrosoftTeams.schema.json", (string?)manifest["$schema"], StringComparison.Ordinal);
        Assert.True(Guid.TryParse((string?)manifest["id"], out _));
        JsonObject bot = manifest["bots"]![0]!.AsObject();
        Assert.Equal((string?)manifest["id"], (string?)bot["botId"]);
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => (string?)s));
        var commands = bot["commandLists"]![0]!["commands"]!.AsArray();
        Assert.InRange(commands.Count, 1, 10);
        Assert.All(commands, c =>
        {
            string description = (string)c!["description"]!;
            string function = description[(description.LastIndexOf('(') + 1)..^1];
            Assert.NotNull(runtime.Kernel.Find(function));
            Assert.InRange(((string)c["title"]!).Length, 1, 32);
        });
        Assert.Equal((192, 192), PngSize(Repo("manifest/teams/" + (string)manifest["icons"]!["color"]!)));
        Assert.Equal((32, 32), PngSize(Repo("manifest/teams/" + (string)manifest["icons"]!["outline"]!)));
    }

    [Fact]
    public async Task SlackManifest_PointsAtTheEndpointsTheHostServes()
    {
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(Repo("manifest/slack/manifest.json")))!.AsObject();
        using HttpClient client = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Slack:SigningSecret", "test-secret"))
            .CreateClient();
        string events = new Uri((string)manifest["settings"]!["event_subscriptions"]!["request_url"]!.AsValue().GetValue<string>().Replace("YOUR-HOST", "host", StringComparison.Ordinal)).AbsolutePath;
        string interactivity = new Uri(((string)manifest["settings"]!["interactivity"]!["request_url"]!).Replace("YOUR-HOST", "host", StringComparison.Ordinal)).AbsolutePath;

        HttpResponseMessage unsignedEvent = await client.PostAsync(events, new StringContent("{\"type\":\"url_verification\",\"challenge\":\"x\"}"));
        HttpResponseMessage unsignedClick = await client.PostAsync(interactivity, new StringContent("payload=%7B%7D"));

        Assert.Contains("app_mentions:read", manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string?)s));
        Assert.Contains("chat:write", manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["app_mention", "message.im"], manifest["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(s => (string?)s));
        Assert.True((bool)manifest["settings"]!["interactivity"]!["is_enabled"]!);
        // Served (a signature is demanded), not missing.
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedEvent.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedClick.StatusCode);
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] header = File.ReadAllBytes(path)[..24];
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], header[..4]);
        return ((header[16] << 24) | (header[17] << 16) | (header[18] << 8) | header[19], (header[20] << 24) | (header[21] << 16) | (header[22] << 8) | header[23]);
    }
}
