using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CopilotBot.Host.Tests;

[Collection(SeededWorkspaceCollection.Name)]
public sealed class WebHostTests(SeededWorkspaceFixture fixture)
{
    private HttpClient Client(string? workspace = null) => new WebApplicationFactory<Program>()
        .WithWebHostBuilder(b => b.UseSetting("Copilot:Workspace", workspace ?? fixture.Directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today))
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
    public async Task Root_ServesWebChatPage_WithItsHooksAndOnlyLocalAssets()
    {
        using HttpClient client = Client();

        string page = await client.GetStringAsync("/");
        HttpResponseMessage bundle = await client.GetAsync("/vendor/botframework-webchat/webchat.js");
        string simple = await client.GetStringAsync("/simple.html");

        foreach (string hook in new[] { "id=\"user-picker\"", "id=\"webchat\"", "id=\"demo-label\"", "src=\"vendor/botframework-webchat/webchat.js\"", "/api/directline/token", "/v3/directline" })
        {
            Assert.Contains(hook, page, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex("(src|href)=[\"']?(https?:)?//"), page);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Contains("javascript", bundle.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 1_000_000);
        Assert.Contains("/api/ask", simple, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectLine_AnswersThePickedUserWithTheRealAgent_AndCardClicksComeBackAsActions()
    {
        // Its own copy of the workspace: sending the edited draft writes an intervention.
        string copy = SeededWorkspaceFixture.Copy(fixture.Directory);
        using HttpClient client = Client(copy);
        JsonObject info = (await client.GetFromJsonAsync<JsonObject>("/api/info"))!;
        string admin = (string)((JsonArray)info["users"]!).First(u => (string?)u!["role"] == "admin")!["id"]!;

        JsonObject grant = (await (await client.PostAsJsonAsync("/api/directline/token", new { user = new { id = admin } })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        start.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)grant["token"]!);
        HttpResponseMessage started = await client.SendAsync(start);
        string id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["conversationId"]!;
        client.DefaultRequestHeaders.Authorization = start.Headers.Authorization;
        string asked = await PostAsync(client, id, new { type = "message", text = "draft a save email to P10342", from = new { id = admin }, channelData = new { clientActivityID = "page-1" } });
        JsonObject draft = BotReplyTo(await PollUntilAsync(client, id, a => BotReplyTo(a, asked) is not null), asked)!;
        JsonObject edit = ((JsonArray)draft["attachments"]![0]!["content"]!["body"]!).OfType<JsonObject>().Single(e => (string?)e["type"] == "ActionSet")["actions"]!
            .AsArray().OfType<JsonObject>().Single(a => (string?)a["title"] == "Edit");
        string clicked = await PostAsync(client, id, new { type = "message", from = new { id = admin }, value = edit["data"], channelData = new { postBack = true, clientActivityID = "page-2" } });
        JsonArray history = await PollUntilAsync(client, id, a => BotReplyTo(a, clicked) is not null);

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        JsonObject welcome = history.OfType<JsonObject>().First(x => (string?)x["type"] == "message" && (string?)x["from"]?["role"] == "bot");
        Assert.Contains("demo data", (string?)welcome["text"], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Draft email to", (string?)draft["attachments"]![0]!["content"]!["body"]![0]!["text"], StringComparison.Ordinal);
        Assert.DoesNotContain("Action.Execute", draft.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(("Action.Submit", "interventions.edit_draft", "P10342"), ((string?)edit["type"], (string?)edit["data"]!["verb"], (string?)edit["data"]!["account"]));
        // Edit opens the draft as a form: its text in Input.Text fields, and Send.
        JsonObject form = BotReplyTo(history, clicked)!;
        JsonArray formBody = (JsonArray)form["attachments"]![0]!["content"]!["body"]!;
        Assert.StartsWith("Edit draft email to", (string?)formBody[0]!["text"], StringComparison.Ordinal);
        JsonObject bodyInput = formBody.OfType<JsonObject>().Single(e => (string?)e["type"] == "Input.Text" && (string?)e["id"] == "body");
        Assert.Contains("Best regards", (string?)bodyInput["value"], StringComparison.Ordinal);
        Assert.Contains(history.OfType<JsonObject>(), x => (string?)x["id"] == (string?)draft["id"]);

        // Send with the typed fields: the edited text is what the workspace stores.
        JsonObject send = formBody.OfType<JsonObject>().Single(e => (string?)e["type"] == "ActionSet")["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["title"] == "Send");
        var value = (JsonObject)send["data"]!.DeepClone();
        value["subject"] = "Let's talk renewal";
        value["body"] = "Hi team,\n\nShort and personal.\n\nRiley";
        string submitted = await PostAsync(client, id, new { type = "message", from = new { id = admin }, value, channelData = new { postBack = true, clientActivityID = "page-3" } });
        // The form is replaced in place by what Send did (sent, or sent for approval on a Platinum account).
        await PollUntilAsync(client, id, a => a.OfType<JsonObject>().Any(x => (string?)x["id"] == (string?)form["id"]
            && ((string?)x["attachments"]?[0]?["content"]?["body"]?[0]?["text"]) is { } title && !title.StartsWith("Edit draft", StringComparison.Ordinal)));
        using var workspace = CopilotBot.Workspace.CopilotWorkspace.Open(copy);
        var stored = await workspace.Interventions.GetAsync((string)send["data"]!["draft"]!);
        Assert.Equal("Subject: Let's talk renewal\n\nHi team,\n\nShort and personal.\n\nRiley", stored?.Draft);
        Assert.Contains(await workspace.Audit.ReadAsync(), e => e.Action == "intervention.edited" && e.Target == "P10342" && e.Actor == admin);
        Assert.NotEmpty(submitted);
    }

    private static JsonObject? BotReplyTo(JsonArray activities, string id) =>
        activities.OfType<JsonObject>().LastOrDefault(x => (string?)x["type"] == "message" && (string?)x["replyToId"] == id);

    private static async Task<string> PostAsync(HttpClient client, string conversationId, object activity)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync($"/v3/directline/conversations/{conversationId}/activities", activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private static async Task<JsonArray> PollUntilAsync(HttpClient client, string conversationId, Func<JsonArray, bool> until)
    {
        for (int i = 0; i < 600; i++)
        {
            JsonObject set = (await client.GetFromJsonAsync<JsonObject>($"/v3/directline/conversations/{conversationId}/activities"))!;
            if (until((JsonArray)set["activities"]!))
            {
                return (JsonArray)set["activities"]!;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("no reply within a minute");
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
        Assert.Contains("for Jamie Ortiz", (string?)body["reply"], StringComparison.Ordinal); // the owner by name, not user id
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
