using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.DirectLine;

/// <summary>
/// The agent behind the Direct Line tests, answering by script: "card" gives a card with Approve / Explain buttons, "cards"
/// two such cards, "trends" the daily support-trends card (a chart too large to go inline beside its table), "slow" waits for
/// <see cref="Gate"/>, "boom" throws; a click on approve answers with the decided card (flagged
/// <see cref="TurnReply.UpdatesCard"/>), explain with a new card; "form" gives an edit form whose Send answers with the sent
/// card in its place; anything else is echoed. Every request is recorded.
/// </summary>
public sealed class ScriptedAgent
{
    public ConcurrentQueue<TurnRequest> Requests { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Card Request(string id) => new(
        $"Approval needed: {id}",
        [new CardText("Proposed action: retention email.")],
        [
            new CardAction("Approve", "approve", new Dictionary<string, string> { ["request"] = id }, "positive"),
            new CardAction("Explain", "explain", new Dictionary<string, string> { ["request"] = id }),
        ]);

    public async Task<TurnReply> HandleAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        string? verb = (string?)request.Value?["verb"];
        string? id = (string?)request.Value?["request"];
        switch (verb, request.Text)
        {
            case ("approve", _):
                return new TurnReply($"Approved {id}.", "approve", new Dictionary<string, object?>(), [new Card($"✅ Approved: {id}", [new CardText("Approved by the test user.")], [])], [], 1) { UpdatesCard = true };
            case ("explain", _):
                return new TurnReply($"Why {id}.", "explain", new Dictionary<string, object?>(), [new Card($"Why {id}", [new CardText("Because.")], [])], [], 1);
            case (null, "form"):
                return new TurnReply("Edit the draft, then press Send.", "interventions.edit_draft", new Dictionary<string, object?>(), [TestCards.Form()], [], 1);
            case ("interventions.send_draft", _):
                return new TurnReply($"Sent: {(string?)request.Value?["subject"]}", "interventions.send_draft", new Dictionary<string, object?>(), [new Card("📤 Sent: Acme Corp", [new CardText("Simulated send.")], [])], [], 1) { UpdatesCard = true };
            case (null, "card"):
                return new TurnReply("One request is waiting.", "approvals", new Dictionary<string, object?>(), [Request("R1")], [], 1);
            case (null, "cards"):
                return new TurnReply("Two requests are waiting.", "approvals", new Dictionary<string, object?>(), [Request("R1"), Request("R2")], [], 1);
            case (null, "trends"):
                return new TurnReply("Support by day.", "support.trends", new Dictionary<string, object?>(), [TestCards.SupportTrendsDaily()], [], 1);
            case (null, "slow"):
                await Gate.Task.WaitAsync(cancellationToken);
                return TurnReply.Plain("Finally done.");
            case (null, "stream") when request.Partial is { } partial:
                // A model-written reply as it arrives, with markup a model (or a quoted customer) might write.
                await partial("Three accounts", cancellationToken);
                await partial("Three accounts need you: [verify](http://evil.example/phish)", cancellationToken);
                await Gate.Task.WaitAsync(cancellationToken);
                return TurnReply.Plain("Three accounts need you today.");
            case (null, "boom"):
                throw new InvalidOperationException("scripted failure");
            case (null, "help"):
                return TurnReply.Plain("Welcome! Ask me anything.");
            default:
                return TurnReply.Plain($"You said: {request.Text}");
        }
    }

    /// <summary>The recorded value of the last click, as the agent saw it.</summary>
    public JsonObject? LastValue => Requests.LastOrDefault(r => r.Value is not null)?.Value;
}
