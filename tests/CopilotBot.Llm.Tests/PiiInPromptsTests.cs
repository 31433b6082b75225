using System.ComponentModel;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Functions;
using CopilotBot.Conversation.Privacy;
using CopilotBot.Routing;
using Microsoft.SemanticKernel;

namespace CopilotBot.Llm.Tests;

/// <summary>
/// <c>Privacy:MaskPiiInPrompts</c>: what the scripted OpenAI-compatible server receives (the question and the tool
/// results quoting support tickets) holds no email, phone or card number when it is on, and does when it is off; the reply
/// and evidence shown to the user are never masked.
/// </summary>
public sealed class PiiInPromptsTests
{
    private const string Email = "jane.doe@contoso.com";
    private const string Phone = "+44 20 7946 0958";
    private const string Card = "4111 1111 1111 1111";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ToolResultsAndQuestion_AreMaskedForTheModel_OnlyWhenConfigured(bool mask)
    {
        await using Harness h = await Harness.StartAsync();
        h.Server.EnqueueToolCalls(("call_1", "support-tickets", """{"account":"P10342"}""")).EnqueueText("Jane is unhappy about billing.");
        var kernel = new Kernel();
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("support", new TicketPlugin()));
        var router = new OpenAiModelRouter(h.Options(), kernel, Harness.SystemPrompt, privacy: new PrivacyOptions { MaskPiiInPrompts = mask });

        ModelRoute? route = await router.RouteAsync($"what did {Email} say?", h.Caller, ConversationMemory.Empty, CancellationToken.None);

        var relaxed = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        string sent = string.Concat(h.Server.Requests.Select(r => r.Body.ToJsonString(relaxed)));
        foreach (string pii in new[] { Email, Phone, Card })
        {
            Assert.Equal(!mask, sent.Contains(pii, StringComparison.Ordinal));
        }

        Assert.Equal(mask, sent.Contains(PiiMasker.EmailToken, StringComparison.Ordinal) && sent.Contains(PiiMasker.CardToken, StringComparison.Ordinal));
        Assert.Contains("order 4111 1111 1111 1112", sent, StringComparison.Ordinal); // not a card (Luhn), kept either way
        Evidence evidence = Assert.Single(route!.Reply!.Evidence);
        Assert.Contains(Email, evidence.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskJsonStrings_KeepsTheShapeAndNumbers()
    {
        string masked = ModelCallFilter.MaskJsonStrings("""{"text":"mail a@b.com","data":{"arr":4111111111111111,"notes":["call +1 555 123 4567"]},"refused":false}""");

        Assert.Equal("""{"text":"mail [email]","data":{"arr":4111111111111111,"notes":["call [phone]"]},"refused":false}""", masked);
    }

    [Description("Support tickets")]
    public sealed class TicketPlugin
    {
        [KernelFunction("tickets")]
        [Description("Support tickets of an account.")]
        public PluginResult Tickets([Description("The account id.")] string account)
        {
            string snippet = $"From {Email}: please call me on {Phone}, card {Card} was charged twice for order 4111 1111 1111 1112.";
            return new PluginResult($"One ticket for {account}: \"{snippet}\"")
            {
                Evidence = [new Evidence("C000777", "2026-03-01", account, snippet)],
                Data = new { tickets = new[] { new { id = "C000777", snippet } } },
            };
        }
    }
}
