using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.BotFramework;

/// <summary>What an inbound activity means for the bot.</summary>
public enum InboundKind
{
    /// <summary>Nothing to do (typing, reactions, unknown types, members other than the bot added): answer 200.</summary>
    Ignore,

    /// <summary>A user message, including an Action.Submit click (a message with <c>value</c>).</summary>
    Message,

    /// <summary>An <c>adaptiveCard/action</c> invoke (Action.Execute): answered in the HTTP response.</summary>
    CardAction,

    /// <summary>The bot was installed or added to a conversation.</summary>
    Welcome,

    /// <summary>An invoke the bot does not implement: HTTP 501, as the SDKs answer.</summary>
    UnsupportedInvoke,

    /// <summary>An <c>adaptiveCard/action</c> invoke without a usable action: HTTP 200 with a <c>statusCode: 400</c> body.</summary>
    InvalidCardAction,
}

/// <summary>The channel-neutral reading of an activity; <see cref="Request"/> is set for Message, CardAction and Welcome.</summary>
public sealed record InboundTurn(InboundKind Kind, TurnRequest? Request = null, ChannelUser? User = null, string? Reason = null);

/// <summary>
/// Translates between Bot Framework activities and the agent's <see cref="TurnRequest"/>/<see cref="TurnReply"/>: mention
/// stripping, card clicks from both action paths (Execute invoke and Submit message) arriving as the same
/// <c>Value = {"verb", ...data}</c>, and replies as message activities with Adaptive Card attachments or invoke bodies.
/// </summary>
public sealed class BotFrameworkAdapter(BotOptions? options = null, ChartImageCache? charts = null)
{
    /// <summary>Teams refuses larger activities with 413 (docs: ~100 KB UTF-16, older 40 KB); stay well under.</summary>
    public const int MaxActivityBytes = 80 * 1024;

    private readonly BotOptions _options = options ?? new BotOptions();

    public InboundTurn ToTurn(Activity activity)
    {
        string channel = activity.ChannelId is { Length: > 0 } c ? c : "msteams";
        string conversationId = activity.Conversation!.Id!;
        ChannelUser? user = activity.From?.Id is { Length: > 0 } fromId
            ? new ChannelUser(channel, fromId, activity.From.Name, activity.From.AadObjectId, TenantOf(activity))
            : null;
        string userId = user is null ? string.Empty : PassThroughUserResolver.Default(user);

        switch (activity.Type)
        {
            case ActivityTypes.Message:
                if (user is null)
                {
                    return new InboundTurn(InboundKind.Ignore, Reason: "message without 'from.id'");
                }

                // Action.Submit arrives as a message whose value is the action's data merged with the inputs.
                JsonObject? value = activity.Value is JsonObject submitted ? (JsonObject)submitted.DeepClone() : null;
                string text = MentionStripper.Strip(activity);
                if (text.Length == 0 && value is null && activity.Attachments is { Count: > 0 })
                {
                    return new InboundTurn(InboundKind.Ignore, Reason: "attachment-only message");
                }

                return new InboundTurn(InboundKind.Message, new TurnRequest(channel, conversationId, userId, text, value), user);

            case ActivityTypes.Invoke when activity.Name == ActivityTypes.AdaptiveCardActionInvoke:
                return ReadCardAction(activity, channel, conversationId, userId, user);

            case ActivityTypes.Invoke:
                return new InboundTurn(InboundKind.UnsupportedInvoke, Reason: $"invoke '{activity.Name}' is not implemented");

            case ActivityTypes.ConversationUpdate:
                bool botAdded = activity.MembersAdded?.Any(m => m.Id is { Length: > 0 } id && id == activity.Recipient?.Id) == true;
                return botAdded && user is not null ? Welcome(channel, conversationId, userId, user) : new InboundTurn(InboundKind.Ignore, Reason: "no bot added");

            case ActivityTypes.InstallationUpdate:
                bool added = activity.Action is { } action && action.StartsWith("add", StringComparison.OrdinalIgnoreCase);
                return added && user is not null ? Welcome(channel, conversationId, userId, user) : new InboundTurn(InboundKind.Ignore, Reason: "not an install");

            default:
                return new InboundTurn(InboundKind.Ignore, Reason: $"type '{activity.Type}' is not handled");
        }
    }

    /// <summary>
    /// The reply as message activities addressed back to the sender: text (markdown) plus one Adaptive Card attachment per
    /// card. Cards are validated first; when text and cards together pass the size limit each card goes in its own activity.
    /// </summary>
    /// <param name="chartUrl">
    /// Where the client can fetch a chart that is too large to go inline (see <see cref="RenderCard"/>); by default the
    /// bot's public URL when one is configured.
    /// </param>
    /// <exception cref="CardValidationException">A card breaks a card rule or is too large to send on its own.</exception>
    public IReadOnlyList<Activity> ToActivities(TurnReply reply, Activity inbound, Func<CardChart, string?>? chartUrl = null)
    {
        chartUrl ??= charts?.PublicBaseUrl is null ? null : charts.PublicUrlFor;
        var attachments = reply.Cards.Select(card => RenderCard(card, chartUrl)).ToList();
        Activity message = Message(inbound, reply.Text, attachments);
        if (Size(message) <= MaxActivityBytes)
        {
            return [message];
        }

        var split = new List<Activity> { Message(inbound, reply.Text, []) };
        split.AddRange(attachments.Select(a => Message(inbound, null, [a])));
        Activity? tooBig = split.FirstOrDefault(a => Size(a) > MaxActivityBytes);
        return tooBig is null ? split : throw new CardValidationException([$"a reply activity is {Size(tooBig)} bytes, over the {MaxActivityBytes}-byte limit"]);
    }

    /// <summary>The same reply as the body of an <c>adaptiveCard/action</c> invoke response: the first card replaces the clicked card; without a card, the text is shown as a note.</summary>
    public InvokeResponseBody ToInvokeResponse(TurnReply reply)
    {
        if (reply.Cards.Count > 0)
        {
            Card card = reply.Cards[0];
            // The replacement card is all the user sees: keep the answer's text on it when it says more than the title.
            if (!string.IsNullOrWhiteSpace(reply.Text) && reply.Text != card.Title)
            {
                card = card with { Body = [new CardText(reply.Text), .. card.Body] };
            }

            return new InvokeResponseBody(200, ActivityTypes.AdaptiveCardResponseType, RenderCard(card, charts?.PublicBaseUrl is null ? null : charts.PublicUrlFor).Content);
        }

        return new InvokeResponseBody(200, ActivityTypes.MessageResponseType, string.IsNullOrWhiteSpace(reply.Text) ? "Done." : reply.Text);
    }

    public static InvokeResponseBody InvokeError(int statusCode, string code, string message) =>
        new(statusCode, ActivityTypes.ErrorResponseType, new JsonObject { ["code"] = code, ["message"] = message });

    public static InvokeResponseBody InvokeMessage(string text) => new(200, ActivityTypes.MessageResponseType, text);

    /// <summary>A typing indicator for the conversation of <paramref name="inbound"/>.</summary>
    public static Activity Typing(Activity inbound) => new()
    {
        Type = ActivityTypes.Typing,
        From = inbound.Recipient,
        Recipient = inbound.From,
        Conversation = inbound.Conversation,
        ChannelId = inbound.ChannelId,
        ServiceUrl = inbound.ServiceUrl,
    };

    /// <summary>
    /// A card as an attachment, after the card rules (an invalid card is a bug: it is refused, not sent). Charts go inline
    /// as data URIs; when that would pass the card size limit they go by <paramref name="chartUrl"/> (a URL the client
    /// fetches: the host's for Web Chat, the bot's public URL for Teams), and when there is none, or the card is too large
    /// even so, each image gives way to a note with the chart's alt text (<see cref="AdaptiveCardRenderer.ChartNotShown"/>)
    /// and the card's tables carry the numbers.
    /// </summary>
    public static Attachment RenderCard(Card card, Func<CardChart, string?>? chartUrl = null)
    {
        JsonObject content = AdaptiveCardRenderer.Render(card);
        if (AdaptiveCardRenderer.HasCharts(card) && TooLarge(content) && chartUrl is not null)
        {
            content = AdaptiveCardRenderer.Render(card, chartUrl);
        }

        if (AdaptiveCardRenderer.HasCharts(card) && TooLarge(content))
        {
            content = AdaptiveCardRenderer.Render(card, _ => null);
        }

        AdaptiveCardGuard.Validate(content);
        return new Attachment(AdaptiveCardRenderer.ContentType, content);
    }

    private static bool TooLarge(JsonObject card) => Encoding.UTF8.GetByteCount(card.ToJsonString()) > AdaptiveCardGuard.DefaultMaxCardBytes;

    public static int Size(Activity activity) => Encoding.UTF8.GetByteCount(ActivityJson.Serialize(activity));

    private static Activity Message(Activity inbound, string? text, IReadOnlyList<Attachment> attachments) => new()
    {
        Type = ActivityTypes.Message,
        From = inbound.Recipient,
        Recipient = inbound.From,
        Conversation = inbound.Conversation,
        ChannelId = inbound.ChannelId,
        ServiceUrl = inbound.ServiceUrl,
        ReplyToId = inbound.Id,
        Text = string.IsNullOrEmpty(text) ? null : text,
        // Plain: reply text carries model output and names from imports; as markdown a "[link](…)" in it would go live.
        TextFormat = string.IsNullOrEmpty(text) ? null : "plain",
        Attachments = attachments.Count > 0 ? attachments : null,
        AttachmentLayout = attachments.Count > 0 ? "list" : null,
        // Teams wants the tenant on bot-sent activities; copying it is harmless elsewhere.
        ChannelData = TenantOf(inbound) is { } tenant ? new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenant } } : null,
    };

    private static string? TenantOf(Activity activity) =>
        (string?)activity.ChannelData?["tenant"]?["id"] ?? activity.Conversation?.TenantId;

    private InboundTurn Welcome(string channel, string conversationId, string userId, ChannelUser user) =>
        new(InboundKind.Welcome, new TurnRequest(channel, conversationId, userId, _options.WelcomeText), user);

    private static InboundTurn ReadCardAction(Activity activity, string channel, string conversationId, string userId, ChannelUser? user)
    {
        if (user is null)
        {
            return new InboundTurn(InboundKind.InvalidCardAction, Reason: "The card action has no 'from.id'.");
        }

        if (activity.Value is not JsonObject value || value["action"] is not JsonObject action)
        {
            return new InboundTurn(InboundKind.InvalidCardAction, Reason: "The card action has no 'value.action'.");
        }

        string? verb = action["verb"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (string.IsNullOrWhiteSpace(verb))
        {
            return new InboundTurn(InboundKind.InvalidCardAction, Reason: "The card action has no 'verb'.");
        }

        // Execute data (inputs merged in) becomes the same shape an Action.Submit click produces: {"verb", ...data}.
        var merged = new JsonObject();
        switch (action["data"])
        {
            case JsonObject data:
                foreach ((string key, JsonNode? node) in data)
                {
                    merged[key] = node?.DeepClone();
                }

                break;
            case JsonNode other:
                merged["data"] = other.DeepClone();
                break;
        }

        merged["verb"] = verb;
        return new InboundTurn(InboundKind.CardAction, new TurnRequest(channel, conversationId, userId, string.Empty, merged), user);
    }
}
