using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CopilotBot.Channels.Tests.BotFramework;

/// <summary>
/// Runs Microsoft's own checker (npm botframework-connector 4.23.x, js/crosscheck.js) on tokens minted by Node with the same
/// local keys and metadata, then the C# validator on the very same Authorization headers, and requires the two to agree
/// case by case (except where a case documents that the C# side is deliberately stricter).
/// </summary>
public sealed class JwtCrossCheckTests(AuthorityFixture fixture, ITestOutputHelper output) : IClassFixture<AuthorityFixture>
{
    [NodeFact]
    public async Task Csharp_validator_agrees_with_the_botframework_connector_checker()
    {
        OpenIdTestAuthority authority = fixture.Authority;
        IReadOnlyList<JwtCase> cases = JwtCases.All(authority, authority.Keys["endorsed"].ExportSubjectPublicKeyInfoPem());
        var keys = new JsonObject { ["rogue"] = authority.Rogue.ExportPkcs8PrivateKeyPem() };
        foreach ((string kid, var rsa) in authority.Keys)
        {
            keys[kid] = rsa.ExportPkcs8PrivateKeyPem();
        }

        var input = new JsonObject
        {
            ["metadataUrl"] = authority.MetadataUrl,
            ["appId"] = OpenIdTestAuthority.AppId,
            ["keys"] = keys,
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["scheme"] = c.Scheme,
                ["rawHeader"] = c.RawHeader,
                ["token"] = c.Token is null ? null : JsonSerializer.SerializeToNode(c.Token, JsonSerializerOptions.Web),
                ["activity"] = new JsonObject { ["channelId"] = c.ChannelId, ["serviceUrl"] = c.ServiceUrl },
            }).ToArray()),
        };

        JsonArray results = await RunNodeAsync(input.ToJsonString());
        Assert.Equal(cases.Count, results.Count);

        BotTokenValidator validator = fixture.Validator();
        var disagreements = new List<string>();
        int agreed = 0;
        foreach (JwtCase c in cases)
        {
            JsonNode result = results.Single(r => (string?)r!["name"] == c.Name)!;
            bool jsAccepted = (bool)result["accepted"]!;
            string authorization = (string)result["authorization"]!;
            BotAuthResult csharp = await validator.AuthenticateAsync(authorization, JwtValidationTests.Activity(c.ChannelId, c.ServiceUrl));
            output.WriteLine($"{c.Name}: js={(jsAccepted ? "accept" : "reject")} ({(string?)result["error"]}) c#={csharp.StatusCode} ({csharp.Error})");
            if (jsAccepted != c.JsShouldAccept)
            {
                disagreements.Add($"{c.Name}: the JS checker {(jsAccepted ? "accepted" : "rejected")} it, the case expects otherwise");
            }

            if (csharp.Succeeded != (c.Expected == 200) || csharp.StatusCode != c.Expected)
            {
                disagreements.Add($"{c.Name}: C# gave {csharp.StatusCode}, expected {c.Expected}");
            }

            if (csharp.Succeeded == jsAccepted)
            {
                agreed++;
            }
        }

        output.WriteLine($"JS cross-check: {cases.Count} cases, {agreed} identical verdicts, {cases.Count - agreed} deliberate differences.");
        Assert.Empty(disagreements);
        Assert.Equal(cases.Count(c => c.JsAccepts is null), agreed);
    }

    private static async Task<JsonArray> RunNodeAsync(string input)
    {
        string folder = NodeFactAttribute.JsFolder()!;
        var start = new ProcessStartInfo("node", "crosscheck.js")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "node crosscheck.js failed: " + await stderr);
        return JsonNode.Parse(await stdout)!.AsArray();
    }
}
