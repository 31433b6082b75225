using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// The <c>/api/messages</c> handler for Teams and other Bot Framework channels. Order of checks: body size and JSON (400/413),
/// token (401/403/503), then meaning. Messages and welcomes are acknowledged with 200 at once and answered from the work
/// queue through the Bot Connector (typing indicator while the agent runs); card-action invokes are answered in the HTTP
/// response, or with "working on it" and a later message when the agent is slower than <see cref="BotOptions.InvokeTimeout"/>.
/// </summary>
public sealed class BotFrameworkEndpoint
{
    private readonly BotOptions _options;
    private readonly BotTokenValidator _validator;
    private readonly IBotConnector _connector;
    private readonly TrustedServiceUrls _trusted;
    private readonly IInboundDeduplicator _dedupe;
    private readonly IChannelWorkQueue _queue;
    private readonly IChannelUserResolver _users;
    private readonly BotFrameworkAdapter _adapter;
    private readonly ChartImageCache? _charts;
    private readonly IConversationReferenceSink _references;
    private readonly ILogger _logger;

    public BotFrameworkEndpoint(
        BotOptions options,
        BotTokenValidator validator,
        IBotConnector connector,
        TrustedServiceUrls trusted,
        IInboundDeduplicator dedupe,
        IChannelWorkQueue queue,
        IChannelUserResolver? users = null,
        ILogger<BotFrameworkEndpoint>? logger = null,
        IConversationReferenceSink? references = null,
        ChartImageCache? charts = null)
    {
        _options = options;
        _validator = validator;
        _connector = connector;
        _trusted = trusted;
        _dedupe = dedupe;
        _queue = queue;
        _users = users ?? PassThroughUserResolver.Instance;
        _adapter = new BotFrameworkAdapter(options, charts);
        _charts = charts;
        _references = references ?? NullConversationReferenceSink.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (options.IsAnonymous)
        {
            _logger.LogWarning("Bot:MicrosoftAppId is not set: /api/messages accepts unauthenticated requests (local development only).");
        }
    }

    public async Task HandleAsync(HttpContext context, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        CancellationToken aborted = context.RequestAborted;
        if (HttpMethods.IsHead(request.Method) || HttpMethods.IsGet(request.Method))
        {
            // The Agents Playground probes the endpoint with HEAD before connecting.
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!request.HasJsonContentType())
        {
            // Channels always post application/json. Refusing anything else also stops a page on another site from posting
            // here with fetch(..., {mode: 'no-cors'}) and text/plain, which a browser sends without asking (CSRF).
            _logger.LogInformation("Refused activity: content type {ContentType}", request.ContentType);
            await EndpointResponses.ErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "Activities must be sent as application/json.", aborted);
            return;
        }

        Activity activity;
        try
        {
            byte[] body = await HttpBodies.ReadAsync(request, HttpBodies.DefaultMaxBytes, aborted);
            activity = ActivityParser.Parse(body);
        }
        catch (Exception ex) when (ex is ChannelRequestException || ChannelRequestException.IsShapeError(ex))
        {
            ChannelRequestException refusal = ex as ChannelRequestException ?? ChannelRequestException.WrongShape();
            _logger.LogInformation("Refused activity: {Code} {Message}", refusal.Code, refusal.Message);
            await EndpointResponses.ErrorAsync(response, refusal.StatusCode, refusal.Code, refusal.Message, aborted);
            return;
        }

        BotAuthResult auth = await _validator.AuthenticateAsync(request.Headers.Authorization.ToString(), activity, aborted);
        if (!auth.Succeeded)
        {
            _logger.LogWarning("Refused activity {Type} on {Channel}: {Status} {Error}", activity.Type, activity.ChannelId, auth.StatusCode, auth.Error);
            string code = auth.StatusCode switch { 401 => "Unauthorized", 403 => "Forbidden", _ => "Unavailable" };
            await EndpointResponses.ErrorAsync(response, auth.StatusCode, code, auth.Error ?? code, aborted);
            return;
        }

        if (!auth.Anonymous && activity.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            _trusted.Trust(serviceUrl);
        }

        InboundTurn inbound;
        try
        {
            inbound = _adapter.ToTurn(activity);
        }
        catch (Exception ex) when (ChannelRequestException.IsShapeError(ex))
        {
            // channelData, entities and value are free-form JSON: a wrong type there is the sender's error, not ours.
            ChannelRequestException refusal = ChannelRequestException.WrongShape();
            _logger.LogInformation("Refused activity {Type}: {Code}", activity.Type, refusal.Code);
            await EndpointResponses.ErrorAsync(response, refusal.StatusCode, refusal.Code, refusal.Message, aborted);
            return;
        }
        switch (inbound.Kind)
        {
            case InboundKind.Ignore:
                response.StatusCode = StatusCodes.Status200OK;
                return;
            case InboundKind.UnsupportedInvoke:
                response.StatusCode = StatusCodes.Status501NotImplemented;
                return;
            case InboundKind.InvalidCardAction:
                await WriteInvokeAsync(response, BotFrameworkAdapter.InvokeError(400, "BadRequest", inbound.Reason ?? "Invalid card action."), aborted);
                return;
            case InboundKind.CardAction:
                TurnRequest click = await ResolveAsync(inbound, aborted);
                await RememberAsync(activity, click, auth, aborted);
                await HandleCardActionAsync(context, activity, click, agent);
                return;
        }

        // Message or welcome: acknowledge now, answer from the queue. Redeliveries (same activity id) and the second welcome
        // of an install (installationUpdate then conversationUpdate) are acknowledged and dropped.
        string? key = inbound.Kind == InboundKind.Welcome
            ? $"bf-welcome|{activity.ChannelId}|{activity.Conversation!.Id}"
            : activity.Id is { Length: > 0 } id ? $"bf|{activity.ChannelId}|{activity.Conversation!.Id}|{id}" : null;
        if (key is not null && !await _dedupe.TryClaimAsync(key, aborted))
        {
            _logger.LogInformation("Duplicate activity {Key} acknowledged and dropped", key);
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        TurnRequest turn = await ResolveAsync(inbound, aborted);
        await RememberAsync(activity, turn, auth, aborted);
        await _queue.EnqueueAsync(ct => RunTurnAsync(activity, turn, agent, ct), aborted);
        response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>
    /// Remembers personal conversations only: a proactive message about an account must not land in a team channel or a
    /// group chat where others read it.
    /// </summary>
    private async Task RememberAsync(Activity activity, TurnRequest turn, BotAuthResult auth, CancellationToken cancellationToken)
    {
        string? type = activity.Conversation?.ConversationType;
        if (turn.UserId.Length == 0 || activity.ServiceUrl is not { Length: > 0 } || (type is { Length: > 0 } && type != "personal"))
        {
            return;
        }

        try
        {
            await _references.RememberAsync(
                turn.UserId, new ProactiveTarget(turn.Channel, turn.ConversationId, BotFrameworkProactiveChannel.Reference(activity, !auth.Anonymous)), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Losing a reference only delays proactive messages until the user's next turn; the turn itself goes on.
            _logger.LogWarning(ex, "Conversation reference not saved");
        }
    }

    private async Task<TurnRequest> ResolveAsync(InboundTurn inbound, CancellationToken cancellationToken) =>
        inbound.User is null ? inbound.Request! : inbound.Request! with { UserId = await _users.ResolveAsync(inbound.User, cancellationToken), Sender = inbound.User.Id };

    private async Task HandleCardActionAsync(HttpContext context, Activity activity, TurnRequest turn, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        // The agent runs under the queue's lifetime, not the request's: if it outlives the invoke timeout the answer is
        // still delivered, as a message. `late` tells the queued work which way the answer went.
        var result = new TaskCompletionSource<TurnReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.EnqueueAsync(async ct =>
        {
            using System.Diagnostics.Activity? span = ChannelTelemetry.StartTurn(turn.Channel, "card_action");
            TurnReply reply;
            try
            {
                reply = await agent(turn, ct);
                result.TrySetResult(reply);
            }
            catch (Exception ex)
            {
                ChannelTelemetry.Fail(span, "turn", ex);
                result.TrySetException(ex);
                if (await late.Task)
                {
                    await SendAsync(activity, TurnReply.Plain("Sorry, something went wrong handling that action."), ct);
                }

                throw;
            }

            if (await late.Task)
            {
                await SendAsync(activity, reply, ct);
            }
        }, context.RequestAborted);

        try
        {
            Task finished = await Task.WhenAny(result.Task, Task.Delay(_options.InvokeTimeout, context.RequestAborted));
            if (finished != result.Task)
            {
                late.TrySetResult(true);
                await WriteInvokeAsync(context.Response, BotFrameworkAdapter.InvokeMessage("Working on it: the answer will follow in this chat."), context.RequestAborted);
                return;
            }

            late.TrySetResult(false);
            InvokeResponseBody body;
            try
            {
                body = _adapter.ToInvokeResponse(await result.Task);
            }
            catch (CardValidationException ex)
            {
                _logger.LogError(ex, "Reply card refused");
                body = BotFrameworkAdapter.InvokeError(500, "CardRejected", "The answer could not be shown as a card.");
            }

            await WriteInvokeAsync(context.Response, body, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Card action failed");
            await WriteInvokeAsync(context.Response, BotFrameworkAdapter.InvokeError(500, "InternalError", "Something went wrong handling that action."), context.RequestAborted);
        }
        finally
        {
            // If the request was aborted, the queued work still delivers the answer as a message.
            late.TrySetResult(true);
        }
    }

    private async Task RunTurnAsync(Activity activity, TurnRequest turn, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? span = ChannelTelemetry.StartTurn(turn.Channel, turn.Value is null ? "message" : "action");
        using var typing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<TurnReply> answer = agent(turn, cancellationToken);
        Task typingLoop = TypeWhileAsync(activity, answer, typing.Token);
        TurnReply reply;
        try
        {
            reply = await answer;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ChannelTelemetry.Fail(span, "turn", ex);
            _logger.LogError(ex, "Agent failed on {Channel} conversation {Conversation}", turn.Channel, turn.ConversationId);
            reply = TurnReply.Plain("Sorry, something went wrong. Please try again.");
        }
        finally
        {
            await typing.CancelAsync();
            await typingLoop;
        }

        await SendAsync(activity, reply, cancellationToken);
    }

    private async Task TypeWhileAsync(Activity activity, Task answer, CancellationToken cancellationToken)
    {
        if (activity.ServiceUrl is not { Length: > 0 } serviceUrl)
        {
            return;
        }

        TimeSpan wait = _options.TypingDelay;
        try
        {
            while (await Task.WhenAny(answer, Task.Delay(wait, cancellationToken)) != answer && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await _connector.SendToConversationAsync(serviceUrl, activity.Conversation!.Id!, BotFrameworkAdapter.Typing(activity), cancellationToken);
                }
                catch (Exception ex) when (ex is BotConnectorException or HttpRequestException)
                {
                    // A lost typing indicator is cosmetic; the reply itself is what matters.
                    _logger.LogDebug(ex, "Typing indicator not sent");
                }

                wait = _options.TypingInterval;
            }
        }
        catch (OperationCanceledException)
        {
            // The answer is ready or the app is stopping.
        }
    }

    private async Task SendAsync(Activity inbound, TurnReply reply, CancellationToken cancellationToken)
    {
        if (inbound.ServiceUrl is not { Length: > 0 } serviceUrl)
        {
            _logger.LogWarning("Activity {Id} has no serviceUrl; the reply cannot be delivered", inbound.Id);
            return;
        }

        if (_charts is not null)
        {
            // A chart too large to go inline goes by the bot's public URL: saved where every instance serves it first.
            await _charts.PublishAsync(reply, cancellationToken);
        }

        IReadOnlyList<Activity> activities;
        try
        {
            activities = _adapter.ToActivities(reply, inbound);
        }
        catch (CardValidationException ex)
        {
            // A card that breaks the rules is a bug to fix, but the user still gets the words.
            _logger.LogError(ex, "Reply card refused");
            activities = _adapter.ToActivities(reply with { Cards = [], Text = reply.Text + "\n\n(The details card could not be shown.)" }, inbound);
        }

        string conversationId = inbound.Conversation!.Id!;
        foreach (Activity activity in activities)
        {
            if (inbound.Id is { Length: > 0 } replyTo)
            {
                await _connector.ReplyToActivityAsync(serviceUrl, conversationId, replyTo, activity, cancellationToken);
            }
            else
            {
                await _connector.SendToConversationAsync(serviceUrl, conversationId, activity, cancellationToken);
            }
        }
    }

    private static Task WriteInvokeAsync(HttpResponse response, InvokeResponseBody body, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        return EndpointResponses.WriteJsonAsync(response, body, cancellationToken, ActivityJson.Options);
    }
}
