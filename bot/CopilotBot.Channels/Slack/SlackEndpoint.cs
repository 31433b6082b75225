using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.Slack;

/// <summary>
/// The Slack request URLs: <c>/api/slack/events</c> (Events API) and <c>/api/slack/interactivity</c>. Every request is
/// signature-checked on its raw bytes before parsing (401), then acknowledged within Slack's 3 s with an empty 200 while the
/// agent's answer is posted later through <see cref="ISlackApi"/> from the work queue. A click whose answer is a form (Edit on a
/// draft) opens it as a modal; the modal's submission (<c>view_submission</c>) is answered like the form's button. Event retries (same <c>event_id</c>,
/// <c>X-Slack-Retry-Num</c>) are acknowledged and dropped.
/// </summary>
public sealed class SlackEndpoint
{
    private readonly SlackOptions _options;
    private readonly SlackSignatureVerifier? _verifier;
    private readonly ISlackApi _api;
    private readonly IInboundDeduplicator _dedupe;
    private readonly IChannelWorkQueue _queue;
    private readonly IChannelUserResolver _users;
    private readonly IConversationReferenceSink _references;
    private readonly ILogger _logger;
    private readonly ChartImageCache? _charts;

    public SlackEndpoint(
        SlackOptions options,
        ISlackApi api,
        IInboundDeduplicator dedupe,
        IChannelWorkQueue queue,
        IChannelUserResolver? users = null,
        ILogger<SlackEndpoint>? logger = null,
        TimeProvider? clock = null,
        IConversationReferenceSink? references = null,
        ChartImageCache? charts = null)
    {
        _options = options;
        _verifier = string.IsNullOrEmpty(options.SigningSecret) ? null : new SlackSignatureVerifier(options.SigningSecret, clock);
        _api = api;
        _dedupe = dedupe;
        _queue = queue;
        _users = users ?? PassThroughUserResolver.Instance;
        _references = references ?? NullConversationReferenceSink.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _charts = charts;
    }

    public async Task HandleEventsAsync(HttpContext context, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        byte[]? body = await ReadVerifiedAsync(context);
        if (body is null)
        {
            return;
        }

        SlackEnvelope envelope;
        SlackInboundMessage? message = null;
        try
        {
            envelope = SlackEventParser.Parse(body);
            if (envelope is SlackEventCallback parsed)
            {
                // Read before the retry claim, so a malformed event is refused without leaving a claim behind.
                message = SlackEventParser.ToMessage(parsed);
            }
        }
        catch (Exception ex) when (ex is ChannelRequestException || ChannelRequestException.IsShapeError(ex))
        {
            ChannelRequestException refusal = ex as ChannelRequestException ?? ChannelRequestException.WrongShape();
            await EndpointResponses.ErrorAsync(context.Response, refusal.StatusCode, refusal.Code, refusal.Message, context.RequestAborted);
            return;
        }

        switch (envelope)
        {
            case SlackUrlVerification verification:
                await EndpointResponses.WriteJsonAsync(context.Response, new JsonObject { ["challenge"] = verification.Challenge }, context.RequestAborted);
                return;
            case SlackEventCallback callback:
                // Slack retries reuse the event_id; answer 200 so it stops, but do the work once.
                if (!await _dedupe.TryClaimAsync($"slack-event|{callback.EventId}", context.RequestAborted))
                {
                    _logger.LogInformation("Slack retry {Retry} ({Reason}) of {EventId} dropped",
                        context.Request.Headers["X-Slack-Retry-Num"].ToString(), context.Request.Headers["X-Slack-Retry-Reason"].ToString(), callback.EventId);
                    break;
                }

                if (message is not null)
                {
                    TurnRequest turn = message.Request with { UserId = await _users.ResolveAsync(message.User, context.RequestAborted), Sender = message.User.Id };
                    await RememberAsync(turn, message.Channel, message.User.TeamId, context.RequestAborted);
                    await _queue.EnqueueAsync(ct => AnswerAsync(turn, message.Channel, message.ThreadTs, null, agent, ct), context.RequestAborted);
                }

                break;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async Task HandleInteractivityAsync(HttpContext context, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        byte[]? body = await ReadVerifiedAsync(context);
        if (body is null)
        {
            return;
        }

        SlackInteraction interaction;
        Dictionary<SlackBlockAction, TurnRequest?> turns;
        SlackSubmission? submission;
        try
        {
            interaction = SlackInteractivityParser.Parse(body);
            turns = interaction.Type == "block_actions"
                ? interaction.Actions.Where(a => a.Url is null).Distinct().ToDictionary(a => a, a => SlackInteractivityParser.ToTurn(interaction, a))
                : [];
            submission = interaction.Type == "view_submission" ? SlackInteractivityParser.ToSubmissionTurn(interaction) : null;
        }
        catch (Exception ex) when (ex is ChannelRequestException || ChannelRequestException.IsShapeError(ex))
        {
            ChannelRequestException refusal = ex as ChannelRequestException ?? ChannelRequestException.WrongShape();
            await EndpointResponses.ErrorAsync(context.Response, refusal.StatusCode, refusal.Code, refusal.Message, context.RequestAborted);
            return;
        }

        // An empty 200 also closes a submitted modal; the answer follows in the channel.
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (submission is not null)
        {
            await SubmitAsync(interaction, submission, agent, context.RequestAborted);
            return;
        }

        if (interaction.Type != "block_actions")
        {
            return;
        }

        foreach (SlackBlockAction action in interaction.Actions)
        {
            if (action.Url is not null)
            {
                // Link buttons open in the browser; Slack still reports the click, and only wants the ack.
                continue;
            }

            string key = $"slack-action|{interaction.TeamId}|{interaction.ChannelId}|{interaction.MessageTs}|{action.ActionId}|{action.ActionTs}";
            if (!await _dedupe.TryClaimAsync(key, context.RequestAborted))
            {
                continue;
            }

            if (turns[action] is not { } turn)
            {
                if (interaction.ResponseUrl is { Length: > 0 } responseUrl)
                {
                    var note = new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = "Sorry, that action isn't supported." };
                    await _queue.EnqueueAsync(ct => _api.RespondAsync(responseUrl, note, ct), context.RequestAborted);
                }

                continue;
            }

            var user = new ChannelUser(SlackEventParser.ChannelName, turn.UserId, TeamId: interaction.TeamId);
            turn = turn with { UserId = await _users.ResolveAsync(user, context.RequestAborted), Sender = user.Id };
            await RememberAsync(turn, interaction.ChannelId!, interaction.TeamId, context.RequestAborted);
            await _queue.EnqueueAsync(ct => AnswerAsync(turn, interaction.ChannelId!, interaction.ThreadTs, interaction.MessageTs, agent, ct, interaction.TriggerId), context.RequestAborted);
        }
    }

    /// <summary>A form modal's submission: answered like the click of the form's button, where the card that opened it is.</summary>
    private async Task SubmitAsync(SlackInteraction interaction, SlackSubmission submission, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent, CancellationToken cancellationToken)
    {
        if (interaction.View?.Id is { Length: > 0 } viewId
            && !await _dedupe.TryClaimAsync($"slack-view|{interaction.TeamId}|{viewId}|{interaction.View.Hash}", cancellationToken))
        {
            return;
        }

        var user = new ChannelUser(SlackEventParser.ChannelName, submission.Turn.UserId, TeamId: interaction.TeamId);
        TurnRequest turn = submission.Turn with { UserId = await _users.ResolveAsync(user, cancellationToken), Sender = user.Id };
        await _queue.EnqueueAsync(ct => AnswerAsync(turn, submission.Channel, submission.ThreadTs, submission.MessageTs, agent, ct), cancellationToken);
    }

    /// <summary>
    /// A reply that is a form (Edit on a draft) opens as a modal for the person who clicked, when the click's trigger id allows
    /// it: a Slack message cannot hold text boxes. True when the modal opened; otherwise the form goes out as a message.
    /// </summary>
    private async Task<bool> OpenFormAsync(TurnReply reply, string triggerId, string channel, string? threadTs, string? clickedTs, CancellationToken cancellationToken)
    {
        if (reply.Cards.FirstOrDefault(c => c.IsForm) is not { } form || form.Actions.FirstOrDefault(a => a.SendsInputs) is not { } submit)
        {
            return false;
        }

        try
        {
            JsonObject view = BlockKitRenderer.RenderModal(form, SlackInteractivityParser.FormMetadata(submit, channel, threadTs, clickedTs));
            await _api.OpenViewAsync(triggerId, view, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is CardValidationException or SlackApiException or NotSupportedException or HttpRequestException)
        {
            // An expired trigger (over 3 s), an API without modals: the form is shown in the channel instead.
            _logger.LogWarning(ex, "Form modal not opened; posting the form as a message");
            return false;
        }
    }

    /// <summary>Remembers direct-message channels only (ids starting with D): proactive messages about accounts stay private.</summary>
    private async Task RememberAsync(TurnRequest turn, string channel, string? teamId, CancellationToken cancellationToken)
    {
        if (turn.UserId.Length == 0 || !channel.StartsWith('D'))
        {
            return;
        }

        try
        {
            await _references.RememberAsync(turn.UserId, new ProactiveTarget(SlackEventParser.ChannelName, channel, SlackProactiveChannel.Reference(channel, teamId)), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Conversation reference not saved");
        }
    }

    /// <param name="clickedTs">The message whose button was clicked: a reply that is that card's new state replaces it (chat.update).</param>
    /// <param name="triggerId">The click's trigger id: a reply that is a form opens as a modal with it.</param>
    private async Task AnswerAsync(TurnRequest turn, string channel, string? threadTs, string? clickedTs, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent, CancellationToken cancellationToken, string? triggerId = null)
    {
        using System.Diagnostics.Activity? span = ChannelTelemetry.StartTurn("slack", clickedTs is null ? "message" : "card_action");
        TurnReply reply;
        try
        {
            reply = await agent(turn, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ChannelTelemetry.Fail(span, "turn", ex);
            _logger.LogError(ex, "Agent failed on Slack conversation {Conversation}", turn.ConversationId);
            reply = TurnReply.Plain("Sorry, something went wrong. Please try again.");
        }

        if (triggerId is { Length: > 0 } && await OpenFormAsync(reply, triggerId, channel, threadTs, clickedTs, cancellationToken))
        {
            return;
        }

        if (_charts is not null)
        {
            // Before posting: Slack fetches the images right after, perhaps through another instance.
            await _charts.PublishAsync(reply, cancellationToken);
        }

        string text;
        JsonArray blocks;
        try
        {
            (text, blocks) = BlockKitRenderer.RenderReply(reply, _charts);
        }
        catch (CardValidationException ex)
        {
            _logger.LogError(ex, "Reply card refused");
            (text, blocks) = BlockKitRenderer.RenderReply(reply with { Cards = [], Text = reply.Text + "\n\n(The details card could not be shown.)" });
        }

        if (clickedTs is { Length: > 0 } && reply.UpdatesCard)
        {
            await _api.UpdateMessageAsync(channel, clickedTs, text, blocks, cancellationToken);
            return;
        }

        await _api.PostMessageAsync(channel, text, blocks, threadTs, cancellationToken);
    }

    /// <summary>The raw body if the request is a POST signed by Slack; otherwise the refusal is written and null returned.</summary>
    private async Task<byte[]?> ReadVerifiedAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return null;
        }

        if (_verifier is null)
        {
            await EndpointResponses.ErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "NotConfigured", "Slack:SigningSecret is not configured.", context.RequestAborted);
            return null;
        }

        byte[] body;
        try
        {
            body = await HttpBodies.ReadAsync(request, HttpBodies.DefaultMaxBytes, context.RequestAborted);
        }
        catch (ChannelRequestException ex)
        {
            await EndpointResponses.ErrorAsync(context.Response, ex.StatusCode, ex.Code, ex.Message, context.RequestAborted);
            return null;
        }

        SlackSignatureStatus status = _verifier.Verify(
            request.Headers[SlackSignatureVerifier.TimestampHeader].ToString(), request.Headers[SlackSignatureVerifier.SignatureHeader].ToString(), body);
        if (status != SlackSignatureStatus.Valid)
        {
            _logger.LogWarning("Slack request refused: signature {Status}", status);
            await EndpointResponses.ErrorAsync(context.Response, StatusCodes.Status401Unauthorized, "InvalidSignature", $"Slack signature check failed ({status}).", context.RequestAborted);
            return null;
        }

        return body;
    }
}
