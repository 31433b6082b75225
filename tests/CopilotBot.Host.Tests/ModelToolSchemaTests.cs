using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Tests.Infrastructure;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Filters;
using CopilotBot.Conversation.Functions;
using CopilotBot.Workspace.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel;

namespace CopilotBot.Host.Tests;

/// <summary>
/// What a language model sees and can do, on the production catalog through Semantic Kernel's connector against a
/// scripted OpenAI-compatible server: tool schemas hold only the catalog's own arguments (never who is calling), invented
/// caller arguments bind to nothing, and another CSM's account is refused to a model exactly as to a click.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class ModelToolSchemaTests(SeededWorkspaceFixture fixture)
{
    private const string Csm = "sofia.marino";
    private const string OtherCsm = "lukas.weber";

    private static readonly string[] CallerWords = ["caller", "user", "userid", "role", "scope", "kernel", "callercontext", "owneridsscope", "services"];

    [Fact]
    public async Task EveryToolSchema_HoldsOnlyTheCatalogsArguments_AndNoButtonOnlyFunctionIsOffered()
    {
        var script = new ConcurrentQueue<string>([ChatCompletions.Json(null, "Hello.")]);
        await using LoopbackServer llm = await StartAsync(script);
        CopilotRuntime runtime = Open(llm);

        TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "schema-" + Guid.NewGuid().ToString("N")[..8], Csm, "hello"));

        Assert.Equal("Hello.", reply.Text);
        JsonObject body = JsonNode.Parse(Assert.Single(llm.Requests).Body)!.AsObject();
        JsonArray tools = body["tools"]!.AsArray();
        var offered = runtime.Kernel.Functions().Where(f => !f.Policy().ButtonOnly).ToDictionary(f => f.PluginName + "-" + f.Name);
        Assert.Equal(offered.Keys.Order(), tools.Select(t => (string)t!["function"]!["name"]!).Order());
        foreach (JsonNode? tool in tools)
        {
            string name = (string)tool!["function"]!["name"]!;
            JsonObject properties = tool["function"]!["parameters"]?["properties"]?.AsObject() ?? [];
            var catalog = offered[name].Metadata.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach ((string property, _) in properties)
            {
                Assert.Contains(property, catalog);
                Assert.DoesNotContain(CopilotKernel.ArgumentKey(property), CallerWords);
            }

            Assert.DoesNotContain("CallerContext", tool.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task CallerArgumentsInventedByTheModel_AreIgnored_TheListIsTheCsmsOwnBook()
    {
        const string Invented = """{"caller":{"User":{"Id":"riley.chen","Role":"Admin"}},"user":"riley.chen","role":"admin","scope":"everything","top":50,"threshold":0}""";
        var script = new ConcurrentQueue<string>([ChatCompletions.Json("churn-at_risk", null, Invented), ChatCompletions.Json(null, "Here they are.")]);
        await using LoopbackServer llm = await StartAsync(script);
        CopilotRuntime runtime = Open(llm);

        TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "invent-" + Guid.NewGuid().ToString("N")[..8], Csm, "list every account at risk"));

        Assert.Equal("churn.at_risk", reply.Tool);
        IReadOnlyList<Account> mine = await runtime.Workspace.Accounts.ListAsync(new(OwnerIds: [Csm], Status: null));
        var myIds = mine.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        string toolResult = ToolMessages(llm).Single();
        var shownIds = System.Text.RegularExpressions.Regex.Matches(toolResult, @"\bP1\d{4}\b").Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(shownIds);
        Assert.All(shownIds, id => Assert.Contains(id, myIds));
        Assert.False(reply.Arguments.ContainsKey("caller"));
        Assert.False(reply.Arguments.ContainsKey("role"));
    }

    [Fact]
    public async Task AnotherCsmsAccount_IsRefusedToTheModel_AsToAClick()
    {
        IReadOnlyList<Account> theirs = await Open(null).Workspace.Accounts.ListAsync(new(OwnerIds: [OtherCsm], Status: null));
        Account other = theirs[0];
        var script = new ConcurrentQueue<string>([ChatCompletions.Json("churn-explain", null, $$"""{"account":"{{other.Id}}"}"""), ChatCompletions.Json(null, "I can't see that one.")]);
        await using LoopbackServer llm = await StartAsync(script);
        CopilotRuntime runtime = Open(llm);

        TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "other-" + Guid.NewGuid().ToString("N")[..8], Csm, $"why is {other.Id} red?"));

        string toolResult = ToolMessages(llm).Single();
        Assert.Contains(AuthorizationFilter.NoAccess, toolResult, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Name, toolResult, StringComparison.Ordinal);
        Assert.Empty(reply.Cards);
        Assert.Empty(reply.Evidence);
    }

    private CopilotRuntime Open(LoopbackServer? llm)
    {
        var settings = new Dictionary<string, string?>();
        if (llm is not null)
        {
            settings["Llm:Endpoint"] = llm.BaseUrl + "/v1";
            settings["Llm:ChatModel"] = "scripted-model";
            settings["Llm:MaxRetries"] = "0";
        }

        return CopilotRuntime.Open(
            HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null),
            configuration: new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    private static Task<LoopbackServer> StartAsync(ConcurrentQueue<string> script) =>
        LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(script.TryDequeue(out string? next) ? next : ChatCompletions.Json(null, "(script exhausted)"));
        });

    private static IEnumerable<string> ToolMessages(LoopbackServer llm) =>
        llm.Requests.SelectMany(r => JsonNode.Parse(r.Body)!["messages"]!.AsArray())
            .Where(m => (string?)m!["role"] == "tool")
            .Select(m => m!["content"] is JsonValue v ? v.ToString() : m["content"]!.ToJsonString())
            .Distinct();
}
