using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// A Direct Line 3.0-compatible endpoint (the subset Web Chat and DirectLineJS use) hosted by the bot itself: tokens,
/// conversations, posting activities (echoed back with an id and the client's <c>clientActivityID</c>), polling and
/// reconnecting. The websocket stream is <see cref="DirectLineStream"/>. Order of checks: token (401 missing, 403
/// invalid/expired/other conversation), conversation (404), body (413 too large, 400 malformed or wrong types). A token is
/// bound to one user and one conversation; an activity whose <c>from.id</c> is someone else is refused (403).
/// </summary>
public sealed class DirectLineEndpoint
{
    private static readonly JsonSerializerOptions ResponseJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly DirectLineOptions _options;
    private readonly DirectLineTokens _tokens;
    private readonly DirectLineConversationStore _store;
    private readonly DirectLineBot _bot;
    private readonly IConversationReferenceSink _references;
    private readonly ILogger _logger;

    public DirectLineEndpoint(
        DirectLineOptions options,
        DirectLineTokens tokens,
        DirectLineConversationStore store,
        DirectLineBot bot,
        ILogger<DirectLineEndpoint>? logger = null,
        IConversationReferenceSink? references = null)
    {
        _options = options;
        _tokens = tokens;
        _store = store;
        _bot = bot;
        _references = references ?? NullConversationReferenceSink.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// <c>POST /api/directline/token</c> with <c>{"user":{"id":"…","name":"…"}}</c>: a conversation token for that user, for
    /// the local page. Only from this machine unless <see cref="DirectLineOptions.AllowRemoteTokenRequests"/>.
    /// </summary>
    public async Task IssuePageTokenAsync(HttpContext context)
    {
        if (!_options.AllowRemoteTokenRequests && !IsLocal(context))
        {
            await ErrorAsync(context, 403, "Forbidden", "Tokens for the web chat page are only issued to this machine (set DirectLine:AllowRemoteTokenRequests behind your own authentication).");
            return;
        }

        // A JSON content type makes browsers send a CORS preflight, which this host does not answer: another site cannot ask.
        if (!IsJson(context.Request.ContentType))
        {
            await ErrorAsync(context, 415, "UnsupportedMediaType", "Send the request as application/json: {\"user\":{\"id\":\"…\"}}.");
            return;
        }

        if (await ReadUserAsync(context, required: true) is not { } user)
        {
            return;
        }

        string conversationId = DirectLineConversationStore.NewId();
        (string token, int expiresIn) = _tokens.Mint(user.Id, conversationId, DirectLineTokens.ConversationScope);
        _logger.LogInformation("Direct Line token issued to the page for user {User}, conversation {Conversation}", user.Id, conversationId);
        await WriteAsync(context, 200, new ConversationResponse(conversationId, token, expiresIn) { UserId = user.Id });
    }

    /// <summary><c>POST /v3/directline/tokens/generate</c> (secret only): a token for a conversation not started yet.</summary>
    public async Task GenerateTokenAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context, conversationId: null) is not { } auth)
        {
            return;
        }

        if (!auth.IsSecret)
        {
            await ErrorAsync(context, 403, "Forbidden", "tokens/generate needs the Direct Line secret, not a token.");
            return;
        }

        if (await ReadUserAsync(context, required: false) is not { } user)
        {
            return;
        }

        string conversationId = DirectLineConversationStore.NewId();
        (string token, int expiresIn) = _tokens.Mint(user.Id, conversationId, DirectLineTokens.ConversationScope);
        await WriteAsync(context, 200, new ConversationResponse(conversationId, token, expiresIn));
    }

    /// <summary><c>POST /v3/directline/tokens/refresh</c>: the same user and conversation, a new expiry.</summary>
    public async Task RefreshTokenAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context, conversationId: null) is not { } auth)
        {
            return;
        }

        if (auth.Claims is not { } claims)
        {
            await ErrorAsync(context, 403, "Forbidden", "Only a token can be refreshed.");
            return;
        }

        (string token, int expiresIn) = _tokens.Mint(claims.UserId, claims.ConversationId, DirectLineTokens.ConversationScope);
        await WriteAsync(context, 200, new ConversationResponse(claims.ConversationId, token, expiresIn));
    }

    /// <summary>
    /// <c>POST /v3/directline/conversations</c>: with a token, starts the token's conversation (201; 200 when it already
    /// runs); with the secret, a new conversation for <c>user.id</c> from the body. A new conversation gets a
    /// conversationUpdate and the welcome.
    /// </summary>
    public async Task StartConversationAsync(HttpContext context, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        if (await AuthenticateAsync(context, conversationId: null) is not { } auth)
        {
            return;
        }

        if (await ReadUserAsync(context, required: false) is not { } user)
        {
            return;
        }

        DirectLineConversation conversation;
        bool created;
        if (auth.Claims is { } claims)
        {
            if (user.Given && user.Id != claims.UserId)
            {
                await ErrorAsync(context, 403, "Forbidden", "The token belongs to another user.");
                return;
            }

            DirectLineStart start = _store.TryGetOrStart(claims.ConversationId, claims.UserId);
            if (start.Conversation is null)
            {
                await RefuseFullAsync(context, start);
                return;
            }

            (conversation, created) = (start.Conversation, start.Created);
            if (conversation.UserId != claims.UserId)
            {
                await ErrorAsync(context, 403, "Forbidden", "The conversation belongs to another user.");
                return;
            }
        }
        else
        {
            DirectLineStart start = _store.TryGetOrStart(DirectLineConversationStore.NewId(), user.Id);
            if (start.Conversation is null)
            {
                await RefuseFullAsync(context, start);
                return;
            }

            (conversation, created) = (start.Conversation, start.Created);
        }

        conversation.Origin = OriginOf(context.Request);
        (string token, int expiresIn) = _tokens.Mint(conversation.UserId, conversation.Id, DirectLineTokens.ConversationScope);
        var response = new ConversationResponse(conversation.Id, token, expiresIn) { StreamUrl = StreamUrl(context, conversation, null) };
        if (created)
        {
            _logger.LogInformation("Direct Line conversation {Conversation} started for user {User}", conversation.Id, conversation.UserId);
            await RememberAsync(conversation, conversation.UserId, context.RequestAborted);
            await _bot.StartAsync(conversation, agent, context.RequestAborted);
        }

        await WriteAsync(context, created ? 201 : 200, response);
    }

    private async Task RefuseFullAsync(HttpContext context, DirectLineStart start)
    {
        _logger.LogWarning("Direct Line conversation refused: the store is full of conversations in use");
        context.Response.Headers.RetryAfter = "60";
        await ErrorAsync(context, StatusCodes.Status429TooManyRequests, "TooManyConversations", start.Refusal ?? "Too many conversations; try again later.");
    }

    /// <summary><c>GET /v3/directline/conversations/{id}?watermark=N</c>: a fresh stream URL that resumes after the watermark.</summary>
    public async Task ReconnectAsync(HttpContext context, string conversationId)
    {
        if (await AuthorizeConversationAsync(context, conversationId) is not { } found)
        {
            return;
        }

        (bool ok, long? watermark) = await TryReadWatermarkAsync(context);
        if (!ok)
        {
            return;
        }

        (DirectLineAuth auth, DirectLineConversation conversation) = found;
        (string token, int expiresIn) = auth.Claims is { } claims
            ? (auth.Bearer, _tokens.SecondsLeft(claims))
            : _tokens.Mint(conversation.UserId, conversation.Id, DirectLineTokens.ConversationScope);
        await WriteAsync(context, 200, new ConversationResponse(conversation.Id, token, expiresIn) { StreamUrl = StreamUrl(context, conversation, watermark) });
    }

    /// <summary>
    /// <c>POST /v3/directline/conversations/{id}/activities</c>: stores the activity (so the client sees its echo, with an id
    /// and its own <c>channelData.clientActivityID</c>), answers <c>{id}</c> at once and, for a message, has the bot respond.
    /// </summary>
    public async Task PostActivityAsync(HttpContext context, string conversationId, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        if (await AuthorizeConversationAsync(context, conversationId) is not { } found)
        {
            return;
        }

        (DirectLineAuth auth, DirectLineConversation conversation) = found;
        Activity posted;
        try
        {
            byte[] body = await ReadBodyAsync(context, _options.MaxActivityBytes);
            posted = ParseActivity(body);
        }
        catch (Exception ex) when (ex is ChannelRequestException || ChannelRequestException.IsShapeError(ex))
        {
            ChannelRequestException refusal = ex as ChannelRequestException ?? ChannelRequestException.WrongShape();
            _logger.LogInformation("Refused Direct Line activity for {Conversation}: {Code}", conversation.Id, refusal.Code);
            await ErrorAsync(context, refusal.StatusCode, refusal.Code, refusal.Message);
            return;
        }

        string? fromId = posted.From?.Id;
        string userId;
        if (auth.Claims is { } claims)
        {
            if (fromId is { Length: > 0 } && fromId != claims.UserId)
            {
                await ErrorAsync(context, 403, "Forbidden", "The activity's from.id is not the token's user.");
                return;
            }

            userId = claims.UserId;
        }
        else if (fromId is { Length: > 0 })
        {
            userId = fromId;
        }
        else
        {
            await ErrorAsync(context, 400, "BadArgument", "With the secret, the activity needs a from.id.");
            return;
        }

        conversation.Origin = OriginOf(context.Request);
        Activity stored = conversation.Append((id, timestamp) => posted with
        {
            Id = id,
            Timestamp = timestamp,
            ChannelId = DirectLineBot.ChannelId,
            ServiceUrl = null,
            Conversation = new ConversationAccount(conversation.Id),
            From = new ChannelAccount(userId, posted.From?.Name) { Role = "user" },
            Recipient = _bot.Account,
        });

        if (posted.Type == ActivityTypes.Message && ToTurn(conversation, userId, posted) is var (turn, clickedCard) && turn is not null)
        {
            await RememberAsync(conversation, userId, context.RequestAborted);
            await _bot.RespondAsync(conversation, stored, turn, clickedCard, agent, context.RequestAborted);
        }

        await WriteAsync(context, 200, new { id = stored.Id });
    }

    /// <summary><c>GET /v3/directline/conversations/{id}/activities?watermark=N</c>: what came after N, and the next watermark.</summary>
    public async Task GetActivitiesAsync(HttpContext context, string conversationId)
    {
        if (await AuthorizeConversationAsync(context, conversationId) is not { } found)
        {
            return;
        }

        (bool ok, long? watermark) = await TryReadWatermarkAsync(context);
        if (!ok)
        {
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(ActivitySet(found.Conversation, watermark ?? -1).Json, context.RequestAborted);
    }

    /// <summary><c>POST /v3/directline/conversations/{id}/upload</c>: not offered (the page hides the upload button).</summary>
    public Task UploadAsync(HttpContext context) =>
        ErrorAsync(context, 501, "NotImplemented", "File uploads are not supported by this bot.");

    /// <summary>The activity set after <paramref name="after"/> as Direct Line JSON, and its watermark (null when nothing yet).</summary>
    public static (string Json, long? Watermark) ActivitySet(DirectLineConversation conversation, long after)
    {
        (IReadOnlyList<string> activities, long? watermark) = conversation.Read(after);
        var json = new StringBuilder("{\"activities\":[");
        json.AppendJoin(',', activities).Append(']');
        if (watermark is { } w)
        {
            json.Append(",\"watermark\":\"").Append(w.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('"');
        }

        return (json.Append('}').ToString(), watermark);
    }

    /// <summary>The token check shared with the stream: the bearer is the secret, or a valid token for this conversation.</summary>
    internal async Task<(DirectLineAuth Auth, DirectLineConversation Conversation)?> AuthorizeConversationAsync(HttpContext context, string conversationId, string? queryToken = null)
    {
        if (await AuthenticateAsync(context, conversationId, queryToken) is not { } auth)
        {
            return null;
        }

        if (!DirectLineConversationStore.IsWellFormedId(conversationId) || _store.Find(conversationId) is not { } conversation)
        {
            await ErrorAsync(context, 404, "NotFound", "No such conversation (it may have ended after being idle).");
            return null;
        }

        if (auth.Claims is { } claims && claims.UserId != conversation.UserId)
        {
            await ErrorAsync(context, 403, "Forbidden", "The conversation belongs to another user.");
            return null;
        }

        return (auth, conversation);
    }

    /// <summary>Reads <c>?watermark=</c>: empty, missing or "-" means from the start; anything but a number is a 400.</summary>
    internal static async Task<(bool Ok, long? Watermark)> TryReadWatermarkAsync(HttpContext context)
    {
        string? raw = context.Request.Query["watermark"];
        if (string.IsNullOrEmpty(raw) || raw == "-")
        {
            return (true, null);
        }

        if (long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long watermark))
        {
            return (true, watermark);
        }

        await ErrorAsync(context, 400, "BadArgument", "The watermark must be a number from an earlier response.");
        return (false, null);
    }

    internal static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        EndpointResponses.ErrorAsync(context.Response, status, code, message, context.RequestAborted);

    /// <summary>
    /// Tells the host where the user was last seen (this conversation), so proactive messages such as approval requests reach
    /// the page they have open; a failure to save only costs that.
    /// </summary>
    private async Task RememberAsync(DirectLineConversation conversation, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await _references.RememberAsync(userId, new ProactiveTarget(DirectLineBot.TurnChannel, conversation.Id, DirectLineProactiveChannel.Reference(conversation.Id)), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Conversation reference not saved");
        }
    }

    private static (TurnRequest? Turn, CardLocation? ClickedCard) ToTurn(DirectLineConversation conversation, string userId, Activity posted)
    {
        string text = posted.Text?.Trim() ?? string.Empty;
        if (posted.Value is JsonObject value)
        {
            (CardLocation? clickedCard, JsonObject clean) = WebChatCards.Unstamp(value);
            return (new TurnRequest(DirectLineBot.TurnChannel, conversation.Id, userId, text, clean), clickedCard);
        }

        return text.Length > 0 ? (new TurnRequest(DirectLineBot.TurnChannel, conversation.Id, userId, text), null) : (null, null);
    }

    /// <summary>An activity posted by a Direct Line client: a JSON object with a string <c>type</c>; fields of the wrong type are a 400.</summary>
    private static Activity ParseActivity(byte[] body)
    {
        if (body.Length == 0)
        {
            throw ChannelRequestException.BadRequest("EmptyBody", "The request body is empty; expected an activity (JSON object).");
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw ChannelRequestException.BadRequest("InvalidUtf8", "The request body is not valid UTF-8.");
        }

        Activity? activity;
        try
        {
            if (StrictJson.Parse(body) is not JsonObject node)
            {
                throw ChannelRequestException.BadRequest("NotAnObject", "The activity must be a JSON object.");
            }

            activity = node.Deserialize<Activity>(ActivityJson.Options);
        }
        catch (JsonException ex)
        {
            string where = ex.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
            throw ChannelRequestException.BadRequest("MalformedJson", $"The activity is not valid JSON or has a field of the wrong type{where}.");
        }

        if (activity is null || string.IsNullOrWhiteSpace(activity.Type))
        {
            throw ChannelRequestException.BadRequest("MissingType", "The activity has no 'type'.");
        }

        return activity;
    }

    private async Task<DirectLineAuth?> AuthenticateAsync(HttpContext context, string? conversationId, string? queryToken = null)
    {
        string? bearer = queryToken ?? BearerOf(context.Request);
        if (bearer is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(context, 401, "Unauthorized", "Send Authorization: Bearer <token>.");
            return null;
        }

        if (queryToken is null && _tokens.IsSecret(bearer))
        {
            return new DirectLineAuth(true, null, bearer);
        }

        DirectLineTokenCheck check = _tokens.Validate(bearer, queryToken is null ? DirectLineTokens.ConversationScope : DirectLineTokens.StreamScope);
        switch (check.Status)
        {
            case DirectLineTokenStatus.Expired:
                await ErrorAsync(context, 403, "TokenExpired", "The token has expired; refresh it or start again.");
                return null;
            case DirectLineTokenStatus.Invalid:
                await ErrorAsync(context, 403, "Forbidden", "The token is not valid.");
                return null;
        }

        if (check.Claims is not { } claims || (conversationId is not null && claims.ConversationId != conversationId))
        {
            await ErrorAsync(context, 403, "Forbidden", "The token is not for this conversation.");
            return null;
        }

        return new DirectLineAuth(false, claims, bearer);
    }

    /// <summary>The body's optional <c>user</c> object; a user id must be a short string without control characters.</summary>
    private async Task<DirectLineUser?> ReadUserAsync(HttpContext context, bool required)
    {
        try
        {
            return await ReadUserCoreAsync(context, required);
        }
        catch (Exception ex) when (ChannelRequestException.IsShapeError(ex) && !context.Response.HasStarted)
        {
            await ErrorAsync(context, 400, "InvalidField", "user.id and user.name must be strings of valid text.");
            return null;
        }
    }

    private async Task<DirectLineUser?> ReadUserCoreAsync(HttpContext context, bool required)
    {
        JsonObject? body;
        try
        {
            byte[] bytes = await ReadBodyAsync(context, 16 * 1024);
            body = bytes.Length == 0 ? null : StrictJson.Parse(bytes) as JsonObject ?? throw ChannelRequestException.BadRequest("NotAnObject", "The body must be a JSON object.");
            _ = body?.Count; // materialises the properties: duplicate keys and invalid text show here, not later
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "MalformedJson", "The body is not valid JSON.");
            return null;
        }
        catch (Exception ex) when (ChannelRequestException.IsShapeError(ex))
        {
            await ErrorAsync(context, 400, "InvalidField", "The body has a duplicate key or text that is not valid UTF-8.");
            return null;
        }
        catch (ChannelRequestException ex)
        {
            await ErrorAsync(context, ex.StatusCode, ex.Code, ex.Message);
            return null;
        }

        JsonNode? user = body?["user"];
        if (user is not null and not JsonObject)
        {
            await ErrorAsync(context, 400, "BadArgument", "'user' must be an object: {\"id\":\"…\"}.");
            return null;
        }

        JsonNode? id = user?["id"];
        if (id is null)
        {
            if (required)
            {
                await ErrorAsync(context, 400, "BadArgument", "Missing user.id.");
                return null;
            }

            // Direct Line's convention for an anonymous user; a "dl_" id can only come from a token.
            return new DirectLineUser("dl_" + DirectLineConversationStore.NewId(), null, Given: false);
        }

        if (id is not JsonValue value || !value.TryGetValue(out string? userId) || !IsValidUserId(userId))
        {
            await ErrorAsync(context, 400, "BadArgument", "user.id must be a string of 1-128 printable characters.");
            return null;
        }

        string? name = user?["name"] is JsonValue n && n.TryGetValue(out string? s) ? s : null;
        return new DirectLineUser(userId, name, Given: true);
    }

    private static bool IsValidUserId(string? id) => id is { Length: > 0 and <= 128 } && !id.Any(char.IsControl) && id.Trim().Length == id.Length;

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, int maxBytes)
    {
        try
        {
            return await HttpBodies.ReadAsync(context.Request, maxBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // The server's own limits (e.g. Kestrel's maximum body size) say how the request went wrong.
            throw new ChannelRequestException(ex.StatusCode, ex.StatusCode == 413 ? "PayloadTooLarge" : "BadRequest", "The request body could not be read within the limits.");
        }
    }

    private static string? BearerOf(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    private string StreamUrl(HttpContext context, DirectLineConversation conversation, long? watermark)
    {
        HttpRequest request = context.Request;
        string scheme = request.IsHttps ? "wss" : "ws";
        (string token, _) = _tokens.Mint(conversation.UserId, conversation.Id, DirectLineTokens.StreamScope);
        string query = (watermark is { } w ? $"watermark={w}&" : string.Empty) + "t=" + Uri.EscapeDataString(token);
        return $"{scheme}://{request.Host}{request.PathBase}{DirectLineRoutes.Prefix}/conversations/{conversation.Id}/stream?{query}";
    }

    /// <summary>The address the client used for this host, which it can fetch chart images from.</summary>
    private static string OriginOf(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>Loopback caller and a Host header naming this machine (the latter stops DNS-rebinding pages).</summary>
    private static bool IsLocal(HttpContext context)
    {
        IPAddress? remote = context.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        string host = context.Request.Host.Host;
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
    }

    private static bool IsJson(string? contentType) =>
        contentType is { } type && type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        return EndpointResponses.WriteJsonAsync(context.Response, value, context.RequestAborted, ResponseJson);
    }

    /// <summary>How a request proved itself: the secret (<see cref="IsSecret"/>) or a token (<see cref="Bearer"/>) with its claims.</summary>
    internal sealed record DirectLineAuth(bool IsSecret, DirectLineClaims? Claims, string Bearer);

    private sealed record DirectLineUser(string Id, string? Name, bool Given);

    /// <summary>What Direct Line answers for tokens and conversations.</summary>
    private sealed record ConversationResponse(
        string ConversationId,
        string Token,
        [property: JsonPropertyName("expires_in")] int ExpiresIn)
    {
        public string? StreamUrl { get; init; }

        /// <summary>Only on the page's token: who the token is for.</summary>
        public string? UserId { get; init; }
    }
}
