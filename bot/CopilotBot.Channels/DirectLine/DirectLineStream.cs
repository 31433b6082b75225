using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// <c>GET /v3/directline/conversations/{id}/stream</c>: the websocket that pushes <c>{"activities":[…],"watermark":"N"}</c>
/// whenever the conversation's history grows, starting after <c>?watermark=</c>. The token comes in <c>?t=</c> (browsers
/// cannot set headers on a websocket) or as a bearer. What the client sends (DirectLineJS pings with <c>""</c> every
/// 20 s) is read and dropped. The socket closes when the client leaves, the conversation is forgotten or the app stops.
/// </summary>
public sealed class DirectLineStream
{
    private const int ReceiveBufferBytes = 4 * 1024;

    private readonly DirectLineOptions _options;
    private readonly DirectLineEndpoint _endpoint;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;

    public DirectLineStream(DirectLineOptions options, DirectLineEndpoint endpoint, IHostApplicationLifetime? lifetime = null, ILogger<DirectLineStream>? logger = null)
    {
        _options = options;
        _endpoint = endpoint;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task HandleAsync(HttpContext context, string conversationId)
    {
        string? queryToken = context.Request.Query["t"];
        if (await _endpoint.AuthorizeConversationAsync(context, conversationId, string.IsNullOrEmpty(queryToken) ? null : queryToken) is not { } found)
        {
            return;
        }

        (bool ok, long? watermark) = await DirectLineEndpoint.TryReadWatermarkAsync(context);
        if (!ok)
        {
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await DirectLineEndpoint.ErrorAsync(context, 400, "BadArgument", "Open the stream URL as a WebSocket, or poll GET …/activities instead.");
            return;
        }

        DirectLineConversation conversation = found.Conversation;
        if (!conversation.TryOpenStream(_options.MaxStreamsPerConversation))
        {
            await DirectLineEndpoint.ErrorAsync(context, 429, "TooManyStreams", "This conversation already has as many open streams as allowed.");
            return;
        }

        try
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(30) });
            using var clientGone = new CancellationTokenSource();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, conversation.Ended, _stopping, clientGone.Token);
            Task receiving = ReceiveAsync(socket, clientGone);
            try
            {
                await PushAsync(socket, conversation, watermark ?? -1, done.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                // The client went away, the conversation ended or the app is stopping: close below if still open.
            }

            await CloseAsync(socket, conversation.IsEnded ? "conversation ended" : "closing");
            if (await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)) != receiving)
            {
                // The client did not answer the close: cancelling a receive is not possible without tearing the socket down.
                socket.Abort();
            }

            await receiving;
        }
        finally
        {
            conversation.CloseStream();
        }
    }

    private static async Task PushAsync(WebSocket socket, DirectLineConversation conversation, long watermark, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            // Take the change signal before reading, so an activity stored in between wakes the next wait.
            Task changed = conversation.Changed;
            (string json, long? next) = DirectLineEndpoint.ActivitySet(conversation, watermark);
            if (next is { } n && n != watermark)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                watermark = n;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Drains what the client sends (pings) until it closes or the socket is torn down; then stops the push loop.</summary>
    private async Task ReceiveAsync(WebSocket socket, CancellationTokenSource clientGone)
    {
        byte[] buffer = new byte[ReceiveBufferBytes];
        try
        {
            // No token: cancelling a pending receive aborts the socket, which would spoil the closing handshake.
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Direct Line stream receive ended: {Reason}", ex.GetType().Name);
        }
        finally
        {
            await clientGone.CancelAsync();
        }
    }

    private static async Task CloseAsync(WebSocket socket, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Nothing more to tell a client that is already gone.
        }
    }
}
