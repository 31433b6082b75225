using System.Net;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Charts;
using CopilotBot.Conversation.Cards;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Host.Tests;

[Collection(SeededWorkspaceCollection.Name)]
public sealed class ChartTests(SeededWorkspaceFixture fixture)
{
    private static readonly string[] ContractKeys = ["question", "tool", "arguments", "reply", "cards", "evidence", "confidence"];

    private static CardChart Chart() => new(
        new ChartSpec(ChartKind.Bar, "Negative conversations by week", ["Nov 2", "Nov 9", "Nov 16"], [new ChartSeries("Negative", [96, 97, 88])]),
        "Negative conversations held steady at about 90 a week.");

    [Fact]
    public async Task The_host_serves_a_chart_it_rendered_as_png_and_404s_anything_else()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("Bot:PublicBaseUrl", "https://bot.example.com"));
        using HttpClient client = factory.CreateClient();
        CardChart chart = Chart();
        string url = factory.Services.GetRequiredService<ChartImageCache>().PublicUrlFor(chart)!;

        HttpResponseMessage served = await client.GetAsync(new Uri(url).AbsolutePath);
        HttpResponseMessage unknown = await client.GetAsync($"/charts/{new string('a', 64)}.png");
        HttpResponseMessage notAHash = await client.GetAsync("/charts/report.png");

        Assert.Equal($"https://bot.example.com/charts/{chart.Hash}.png", url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(chart.Png, await served.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", served.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAHash.StatusCode);
    }

    [Fact]
    public async Task Without_a_public_base_url_no_chart_is_published()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today));
        using HttpClient client = factory.CreateClient();
        CardChart chart = Chart();

        string? url = factory.Services.GetRequiredService<ChartImageCache>().PublicUrlFor(chart);
        HttpResponseMessage response = await client.GetAsync($"/charts/{chart.Hash}.png");

        Assert.Null(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ask_writes_the_chart_into_the_workspace_and_prints_its_path_under_the_card()
    {
        string workspace = SeededWorkspaceFixture.Copy(fixture.Directory);

        (int exit, string stdout, string stderr) = await Cli.RunAsync("", "ask", "--workspace", workspace, "--now", SeededWorkspaceFixture.Today, "forecast churned ARR for the next 90 days");

        Assert.True(exit == 0, stderr);
        string[] paths = stdout.Split('\n').Where(l => l.StartsWith("Chart: ", StringComparison.Ordinal)).Select(l => l["Chart: ".Length..].Trim()).ToArray();
        // The horizons and the backtest; or, when the backtest's models were not trained within the forecast's wait on a
        // loaded machine, the horizons and a reply that says the backtest is still being computed.
        Assert.True(paths.Length == 2 || (paths.Length == 1 && stdout.Contains("still being computed", StringComparison.Ordinal)), stdout);
        foreach (string path in paths)
        {
            Assert.Equal(Path.Combine(Path.GetFullPath(workspace), "charts"), Path.GetDirectoryName(path));
            Assert.Matches("^[0-9a-f]{64}\\.png$", Path.GetFileName(path));
            byte[] png = await File.ReadAllBytesAsync(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)));
        }

        Assert.Contains("Line chart of expected churned ARR", stdout, StringComparison.Ordinal);
        Assert.Contains("│ 180 days", stdout, StringComparison.Ordinal); // the table is still there
    }

    [Fact]
    public async Task Ask_json_gives_each_chart_as_an_image_of_the_written_file_and_keeps_the_contract()
    {
        string workspace = SeededWorkspaceFixture.Copy(fixture.Directory);

        (int exit, string stdout, string stderr) = await Cli.RunAsync("", "ask", "--json", "--workspace", workspace, "--now", SeededWorkspaceFixture.Today, "show support sentiment trends for the last 12 weeks");

        Assert.True(exit == 0, stderr);
        JsonObject answer = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(ContractKeys.Order(), answer.Select(p => p.Key).Order());
        Assert.Equal("support.trends", (string?)answer["tool"]);
        JsonArray body = answer["cards"]![0]!["body"]!.AsArray();
        JsonObject image = body.Single(e => (string?)e!["type"] == "Image")!.AsObject();
        var url = new Uri((string)image["url"]!);
        Assert.True(url.IsFile);
        Assert.True(File.Exists(url.LocalPath), url.LocalPath);
        Assert.StartsWith(Path.Combine(Path.GetFullPath(workspace), "charts"), url.LocalPath, StringComparison.Ordinal);
        Assert.Contains("support conversations and negative conversations per week", (string?)image["altText"], StringComparison.Ordinal);
        Assert.Contains(body, e => (string?)e!["type"] == "Table");
    }
}
