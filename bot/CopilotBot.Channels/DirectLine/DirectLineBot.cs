using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// The bot's side of a Direct Line conversation: a typing activity at once, the agent's turn on the work queue (typing
/// repeated while it runs, turns of one conversation in order), then the reply as message activities with Adaptive Card
/// attachments made Web Chat-ready. A card click whose answer is the clicked card's new state (<see cref="TurnReply.UpdatesCard"/>)
/// replaces that card in place, as Teams and Slack do.
/// </summary>
public sealed class DirectLineBot
{
    public const string ChannelId = "directline";

    /// <summary>
    /// The channel name the agent (audit, memory) and proactive messages see. Not "webchat": that is the Bot Framework
    /// channel id of Azure's hosted Web Chat, whose messages go through the Bot Connector instead.
    /// </summary>
    public const string TurnChannel = ChannelId;

    private readonly DirectLineOptions _options;
    private readonly IChannelWorkQueue _queue;
    private readonly BotFrameworkAdapter _adapter = new();
    private readonly ChartImageCache? _charts;
    private readonly ILogger _logger;

    /// <param name="charts">Serves the charts too large to go inline, at the address the Web Chat page reached the host by; null: such a chart is described in words.</param>
    public DirectLineBot(DirectLineOptions options, IChannelWorkQueue queue, ILogger<DirectLineBot>? logger = null, ChartImageCache? charts = null)
    {
        _options = options;
        _queue = queue;
        _charts = charts;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Account = new ChannelAccount(options.BotId, options.BotName) { Role = "bot" };
    }

    public ChannelAccount Account { get; }

    /// <summary>Posts the conversationUpdate that opens a conversation and queues the welcome turn.</summary>
    public async ValueTask StartAsync(DirectLineConversation conversation, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent, CancellationToken cancellationToken)
    {
        var user = new ChannelAccount(conversation.UserId) { Role = "user" };
        Activity update = conversation.Append((id, timestamp) => new Activity
        {
            Type = ActivityTypes.ConversationUpdate,
            Id = id,
            Timestamp = timestamp,
            ChannelId = ChannelId,
            Conversation = new ConversationAccount(conversation.Id),
            From = user,
            Recipient = Account,
            MembersAdded = [new ChannelAccount(Account.Id, Account.Name), new ChannelAccount(conversation.UserId)],
        });
        if (!string.IsNullOrWhiteSpace(_options.WelcomeText))
        {
            await RespondAsync(conversation, update, new TurnRequest(TurnChannel, conversation.Id, conversation.UserId, _options.WelcomeText), null, agent, cancellationToken);
        }
    }

    /// <summary>
    /// Answers a stored user message: typing now, the agent later. <paramref name="clickedCard"/> is the card a click came
    /// from (null for typed messages).
    /// </summary>
    public async ValueTask RespondAsync(
        DirectLineConversation conversation,
        Activity inbound,
        TurnRequest turn,
        CardLocation? clickedCard,
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent,
        CancellationToken cancellationToken)
    {
        var typing = new List<string> { IdOf(AppendTyping(conversation)) };
        await _queue.EnqueueAsync(ct => RunTurnAsync(conversation, inbound, turn, clickedCard, typing, agent, ct), cancellationToken);
    }

    /// <summary>
    /// Posts a reply nobody asked for (an approval request) into a running conversation; returns the id of the message
    /// holding its cards (or its text), which <see cref="TryUpdate"/> can replace later.
    /// </summary>
    public string Post(DirectLineConversation conversation, TurnReply reply)
    {
        var unprompted = new Activity
        {
            Type = ActivityTypes.Message,
            ChannelId = ChannelId,
            Conversation = new ConversationAccount(conversation.Id),
            From = new ChannelAccount(conversation.UserId) { Role = "user" },
            Recipient = Account,
        };
        IReadOnlyList<Activity> posted = Append(conversation, unprompted, reply);
        return IdOf(posted.FirstOrDefault(a => a.Attachments is { Count: > 0 }) ?? posted[0]);
    }

    /// <summary>Replaces the whole message <paramref name="activityId"/> with the reply's first card (the reply's words on it); false when it is gone.</summary>
    public bool TryUpdate(DirectLineConversation conversation, string activityId, TurnReply reply) =>
        reply.Cards.Count > 0
            ? TryReplaceCard(conversation, new CardLocation(activityId, 0), reply, whole: true)
            : conversation.Replace(activityId, old => old.From?.Id == Account.Id ? old with { Text = reply.Text, TextFormat = "plain", Attachments = null, AttachmentLayout = null } : null) is not null;

    private async Task RunTurnAsync(
        DirectLineConversation conversation,
        Activity inbound,
        TurnRequest turn,
        CardLocation? clickedCard,
        List<string> typing,
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent,
        CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? span = ChannelTelemetry.StartTurn("directline", clickedCard is null ? "message" : "card_action");
        await conversation.TurnLock.WaitAsync(cancellationToken);
        try
        {
            if (conversation.IsEnded)
            {
                return;
            }

            TurnReply reply;
            // A model-written reply streams into Web Chat as it arrives (its livestreaming: typing activities with the text so
            // far, then the reply as the final message), escaped as every untrusted text is.
            var stream = new Livestream();
            turn = turn with
            {
                Partial = (text, _) =>
                {
                    lock (stream)
                    {
                        stream.Sequence++;
                        var data = new JsonObject { ["streamType"] = "streaming", ["streamSequence"] = stream.Sequence };
                        if (stream.Id is not null)
                        {
                            data["streamId"] = stream.Id;
                        }

                        string id = IdOf(AppendTyping(conversation, MarkdownText.Escape(text), data));
                        stream.Id ??= id;
                        typing.Add(id);
                    }

                    return Task.CompletedTask;
                },
            };
            Task<TurnReply> answer = agent(turn, cancellationToken);
            try
            {
                while (await Task.WhenAny(answer, Task.Delay(_options.TypingInterval, cancellationToken)) != answer && !cancellationToken.IsCancellationRequested)
                {
                    lock (stream)
                    {
                        typing.Add(IdOf(AppendTyping(conversation)));
                    }
                }

                reply = await answer;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ChannelTelemetry.Fail(span, "turn", ex);
                _logger.LogError(ex, "Agent failed on Direct Line conversation {Conversation}", conversation.Id);
                reply = TurnReply.Plain("Sorry, something went wrong. Please try again.");
            }

            // The reply supersedes the typing indicators; a client reading the history later needs none of them.
            conversation.Remove(typing);
            Deliver(conversation, inbound, reply, clickedCard, stream.Id is { } streamId ? new JsonObject { ["streamType"] = "final", ["streamId"] = streamId } : null);
        }
        finally
        {
            conversation.TurnLock.Release();
        }
    }

    private void Deliver(DirectLineConversation conversation, Activity inbound, TurnReply reply, CardLocation? clickedCard, JsonObject? finalOfStream = null)
    {
        // The agent says when its answer is the clicked card's new state (an approval decided, a draft sent); anything else
        // is a new answer and follows below, leaving the card as it was (a list card stays usable for its other buttons).
        if (clickedCard is not null && reply.UpdatesCard && reply.Cards.Count > 0 && TryReplaceCard(conversation, clickedCard, reply))
        {
            if (reply.Cards.Count > 1)
            {
                Append(conversation, inbound, reply with { Text = string.Empty, Cards = reply.Cards.Skip(1).ToList() });
            }

            return;
        }

        Append(conversation, inbound, reply, finalOfStream);
    }

    /// <summary>
    /// The clicked card becomes the reply's first card, with the reply's words on it (as a Teams invoke response does). A
    /// message that held only that card is replaced whole (its text described the old card); otherwise only that card is.
    /// </summary>
    private bool TryReplaceCard(DirectLineConversation conversation, CardLocation clicked, TurnReply reply, bool whole = false)
    {
        Card card = reply.Cards[0];
        if (!string.IsNullOrWhiteSpace(reply.Text) && reply.Text != card.Title)
        {
            card = card with { Body = [new CardText(reply.Text), .. card.Body] };
        }

        Attachment rendered;
        try
        {
            rendered = BotFrameworkAdapter.RenderCard(card, ChartUrl(conversation));
        }
        catch (CardValidationException ex)
        {
            _logger.LogError(ex, "Replacement card refused; the reply follows as a new message");
            return false;
        }

        return conversation.Replace(clicked.ActivityId, old =>
        {
            // Only a card the bot sent, still where the click said it was.
            if (old.Type != ActivityTypes.Message || old.From?.Id != Account.Id || old.Attachments is not { } attachments
                || clicked.Index >= attachments.Count || attachments[clicked.Index].ContentType != AdaptiveCardRenderer.ContentType)
            {
                return null;
            }

            Attachment replacement = ForWebChat(rendered, clicked.ActivityId, clicked.Index);
            return attachments.Count == 1 || whole
                ? old with { Text = null, TextFormat = null, Attachments = [replacement] }
                : old with { Attachments = attachments.Select((a, i) => i == clicked.Index ? replacement : a).ToList() };
        }) is not null;
    }

    private List<Activity> Append(DirectLineConversation conversation, Activity inbound, TurnReply reply, JsonObject? finalOfStream = null)
    {
        IReadOnlyList<Activity> activities;
        try
        {
            activities = _adapter.ToActivities(reply, inbound, ChartUrl(conversation));
        }
        catch (CardValidationException ex)
        {
            // A card that breaks the rules is a bug to fix, but the user still gets the words.
            _logger.LogError(ex, "Reply card refused");
            activities = _adapter.ToActivities(reply with { Cards = [], Text = reply.Text + "\n\n(The details card could not be shown.)" }, inbound);
        }

        return activities.Select((activity, index) => conversation.Append((id, timestamp) => activity with
        {
            Id = id,
            Timestamp = timestamp,
            ChannelId = ChannelId,
            ServiceUrl = null,
            // The first message concludes a livestream the reply's text went out in (Web Chat then shows it in the chunks' place).
            ChannelData = index == 0 ? finalOfStream : null,
            Attachments = activity.Attachments?.Select((a, i) => ForWebChat(a, id, i)).ToList(),
        })).ToList();
    }

    private Activity AppendTyping(DirectLineConversation conversation, string? text = null, JsonObject? stream = null) => conversation.Append((id, timestamp) => new Activity
    {
        // No text: an indicator. With text and stream data: a Web Chat livestream chunk (the reply's text so far).
        Type = ActivityTypes.Typing,
        Text = text,
        ChannelData = stream,
        Id = id,
        Timestamp = timestamp,
        ChannelId = ChannelId,
        Conversation = new ConversationAccount(conversation.Id),
        From = Account,
        Recipient = new ChannelAccount(conversation.UserId) { Role = "user" },
    });

    /// <summary>One turn's livestream: its id (the first chunk's activity id) and the last sequence number sent.</summary>
    private sealed class Livestream
    {
        public string? Id { get; set; }

        public int Sequence { get; set; }
    }

    private static string IdOf(Activity stored) => stored.Id ?? throw new InvalidOperationException("A stored activity always has an id.");

    /// <summary>Charts by URL from this host, where the conversation's client reached it (Web Chat fetches the image itself).</summary>
    private Func<CardChart, string?>? ChartUrl(DirectLineConversation conversation) =>
        _charts is { } charts && conversation.Origin is { } origin ? chart => charts.UrlFor(chart, origin) : null;

    private static Attachment ForWebChat(Attachment attachment, string activityId, int index) =>
        attachment.ContentType == AdaptiveCardRenderer.ContentType
            ? attachment with { Content = WebChatCards.ForWebChat(attachment.Content, activityId, index) }
            : attachment;
}
