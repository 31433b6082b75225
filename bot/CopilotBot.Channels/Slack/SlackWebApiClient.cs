using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;

namespace CopilotBot.Channels.Slack;

/// <summary>A Web API call that failed: Slack's <c>error</c> code (<c>channel_not_found</c>, <c>invalid_blocks</c>, …) or an HTTP status.</summary>
public sealed class SlackApiException(string method, string error, HttpStatusCode? status = null)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;

    public string Error { get; } = error;

    public HttpStatusCode? Status { get; } = status;
}

/// <summary>Where a posted message landed.</summary>
public sealed record SlackMessageRef(string Channel, string Ts);

/// <summary>The Web API calls the Slack endpoint makes; an interface so tests and other hosts can substitute it.</summary>
public interface ISlackApi
{
    Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default);

    Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default);

    /// <summary>Posts to an interaction's <c>response_url</c> (ephemeral notes, replacing the original message).</summary>
    Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>views.open</c>: shows <paramref name="view"/> (a modal) to the person whose click produced <paramref name="triggerId"/>
    /// (valid for 3 s). An implementation without modals throws <see cref="NotSupportedException"/>, and the form goes out as a message.
    /// </summary>
    Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This Slack API cannot open modals.");
}

/// <summary>
/// <c>chat.postMessage</c>, <c>chat.update</c> and <c>views.open</c> with the bot token (protocols.md 3.5). Slack reports errors as HTTP 200 with
/// <c>ok:false</c>, so <c>ok</c> is checked on every reply; 429 is retried after <c>Retry-After</c>, 5xx with backoff.
/// </summary>
public sealed class SlackWebApiClient(HttpClient http, SlackOptions options, RetryPolicy? retry = null) : ISlackApi
{
    private readonly RetryPolicy _retry = retry ?? RetryPolicy.Default;

    public async Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["channel"] = channel, ["text"] = text, ["unfurl_links"] = false };
        if (blocks is { Count: > 0 })
        {
            body["blocks"] = blocks.DeepClone();
        }

        if (threadTs is { Length: > 0 })
        {
            body["thread_ts"] = threadTs;
        }

        JsonObject reply = await CallAsync("chat.postMessage", body, cancellationToken);
        return new SlackMessageRef((string?)reply["channel"] ?? channel, (string?)reply["ts"] ?? string.Empty);
    }

    public async Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["channel"] = channel, ["ts"] = ts, ["text"] = text, ["blocks"] = blocks?.DeepClone() ?? new JsonArray() };
        JsonObject reply = await CallAsync("chat.update", body, cancellationToken);
        return new SlackMessageRef((string?)reply["channel"] ?? channel, (string?)reply["ts"] ?? ts);
    }

    public async Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken = default) =>
        await CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view.DeepClone() }, cancellationToken);

    public async Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default)
    {
        if (!responseUrl.StartsWith(options.ResponseUrlPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new SlackApiException("response_url", $"response_url outside {options.ResponseUrlPrefix} refused");
        }

        // response_url carries its own authorization; the bot token is not sent there.
        using HttpResponseMessage response = await SendAsync(responseUrl, payload, token: null, "response_url", cancellationToken);
    }

    private async Task<JsonObject> CallAsync(string method, JsonObject body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            throw new SlackApiException(method, "Slack:BotToken is not configured");
        }

        string url = options.ApiBaseUrl.TrimEnd('/') + "/" + method;
        using HttpResponseMessage response = await SendAsync(url, body, options.BotToken, method, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? reply;
        try
        {
            reply = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            reply = null;
        }

        if (reply is null)
        {
            throw new SlackApiException(method, "invalid_response", response.StatusCode);
        }

        if (reply["ok"] is not JsonValue ok || !ok.TryGetValue(out bool isOk) || !isOk)
        {
            throw new SlackApiException(method, (string?)reply["error"] ?? "unknown_error", response.StatusCode);
        }

        return reply;
    }

    private async Task<HttpResponseMessage> SendAsync(string url, JsonObject body, string? token, string method, CancellationToken cancellationToken)
    {
        // The span names the Web API method (or response_url), never the URL: a response_url is a bearer capability.
        using System.Diagnostics.Activity? span = ChannelTelemetry.StartConnector("slack", method);
        try
        {
            return await SendCoreAsync(url, body, token, method, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ChannelTelemetry.Fail(span, "connector", ex);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(string url, JsonObject body, string? token, string method, CancellationToken cancellationToken)
    {
        string json = body.ToJsonString();
        TimeSpan waited = TimeSpan.Zero;
        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            bool retryable = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            TimeSpan? delay = retryable && attempt < _retry.MaxAttempts ? _retry.NextDelay(attempt, response, waited) : null;
            HttpStatusCode status = response.StatusCode;
            response.Dispose();
            if (delay is null)
            {
                throw new SlackApiException(method, status == HttpStatusCode.TooManyRequests ? "ratelimited" : $"http_{(int)status}", status);
            }

            waited += delay.Value;
            await _retry.Delay(delay.Value, cancellationToken);
        }
    }
}
