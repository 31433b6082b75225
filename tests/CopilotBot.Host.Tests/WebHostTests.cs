using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

[Collection(SeededWorkspaceCollection.Name)]
public sealed class WebHostTests(SeededWorkspaceFixture fixture)
{
    private HttpClient Client() => new WebApplicationFactory<Program>()
        .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today))
        .CreateClient();

    [Fact]
    public async Task Root_ServesChatPage_ThatLabelsDemoData()
    {
        using HttpClient client = Client();

        string page = await client.GetStringAsync("/");
        JsonObject info = (await client.GetFromJsonAsync<JsonObject>("/api/info"))!;

        Assert.Contains("Demo data", page, StringComparison.Ordinal);
        Assert.True((bool)info["demo"]!);
        Assert.Equal(SeededWorkspaceFixture.Today, (string?)info["today"]);
    }

    [Fact]
    public async Task Ask_ReturnsTheAskContract_OverHttp()
    {
        using HttpClient client = Client();

        HttpResponseMessage response = await client.PostAsJsonAsync("/api/ask", new { question = "help", user = "jamie.ortiz" });
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("help", (string?)body["tool"]);
        Assert.Equal("help", (string?)body["question"]);
    }

    [Fact]
    public async Task Ask_RunsACardAction_WhenTheBodyCarriesAValue()
    {
        using HttpClient client = Client();

        HttpResponseMessage response = await client.PostAsJsonAsync("/api/ask", new { user = "riley.chen", value = new { verb = "crm.list_tasks", filter = "all", owner = "jamie.ortiz" } });
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("crm.list_tasks", (string?)body["tool"]);
        Assert.Contains("jamie.ortiz", (string?)body["reply"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"question\": 42}")]
    [InlineData("{\"question\": \"hi\", \"user\": \"nobody\"}")]
    public async Task Ask_Returns400WithProblem_WhenBodyIsBad(string body)
    {
        using HttpClient client = Client();

        HttpResponseMessage response = await client.PostAsync("/api/ask", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
