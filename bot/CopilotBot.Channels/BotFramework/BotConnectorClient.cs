using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CopilotBot.Channels.Common;

namespace CopilotBot.Channels.BotFramework;

/// <summary>A Bot Connector call that failed for good (after retries), with the status and the service's error body.</summary>
public sealed class BotConnectorException(HttpStatusCode status, string message, string? body = null) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string? Body { get; } = body;
}

/// <summary>The outbound operations the endpoint needs; an interface so tests and other hosts can substitute it.</summary>
public interface IBotConnector
{
    Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default);

    Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default);

    Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default);
}

/// <summary>
/// The Bot Connector REST client (protocols.md 1.3): <c>POST/PUT {serviceUrl}/v3/conversations/{id}/activities[/{activityId}]</c>
/// with ids URL-escaped (Teams thread ids contain <c>:</c>, <c>;</c>, <c>=</c>, <c>@</c>), retries with backoff on 429/412/5xx
/// honouring <c>Retry-After</c>, one token refresh on 401, and a token only ever sent to trusted service URLs.
/// </summary>
public sealed class BotConnectorClient(HttpClient http, IBotTokenSource tokens, TrustedServiceUrls trusted, RetryPolicy? retry = null) : IBotConnector
{
    private readonly RetryPolicy _retry = retry ?? RetryPolicy.Default;

    public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, serviceUrl, ActivitiesPath(conversationId), activity, cancellationToken);

    public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, serviceUrl, ActivitiesPath(conversationId) + "/" + Uri.EscapeDataString(activityId), activity with { ReplyToId = activityId }, cancellationToken);

    /// <summary>Replaces an activity the bot sent earlier (e.g. a card after an Action.Submit click).</summary>
    public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, serviceUrl, ActivitiesPath(conversationId) + "/" + Uri.EscapeDataString(activityId), activity with { Id = activityId }, cancellationToken);

    internal static string ActivitiesPath(string conversationId) => "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/activities";

    private async Task<ResourceResponse> SendAsync(HttpMethod method, string serviceUrl, string path, Activity activity, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? span = ChannelTelemetry.StartConnector("botframework", method == HttpMethod.Put ? "update" : "send");
        span?.SetTag("copilot.activity.type", activity.Type);
        try
        {
            return await SendCoreAsync(method, serviceUrl, path, activity, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span?.SetTag("http.response.status_code", ex is BotConnectorException { } bce ? (int)bce.Status : null);
            ChannelTelemetry.Fail(span, "connector", ex);
            throw;
        }
    }

    private async Task<ResourceResponse> SendCoreAsync(HttpMethod method, string serviceUrl, string path, Activity activity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceUrl);
        string body = ActivityJson.Serialize(activity);
        if (Encoding.UTF8.GetByteCount(body) > BotFrameworkAdapter.MaxActivityBytes)
        {
            // Refused here with a clear message rather than a 413 MessageSizeTooBig from Teams.
            throw new BotConnectorException(HttpStatusCode.RequestEntityTooLarge, $"The activity is over {BotFrameworkAdapter.MaxActivityBytes} bytes; not sent.");
        }

        var target = new Uri(serviceUrl.TrimEnd('/') + "/" + path, UriKind.Absolute);
        string? token = await tokens.GetTokenAsync(forceRefresh: false, cancellationToken);
        if (token is not null && !trusted.IsTrusted(serviceUrl))
        {
            throw new BotConnectorException(HttpStatusCode.Forbidden, $"Service URL {serviceUrl} has not been seen on an authenticated activity; no token is sent to it.");
        }

        bool refreshed = false;
        TimeSpan waited = TimeSpan.Zero;
        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                string text = await response.Content.ReadAsStringAsync(cancellationToken);
                return text.Length == 0 ? new ResourceResponse(null) : Read(text);
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null && !refreshed)
            {
                // A cached token can be revoked or rotated early: one fresh token, then give up.
                refreshed = true;
                token = await tokens.GetTokenAsync(forceRefresh: true, cancellationToken);
                attempt--;
                continue;
            }

            string error = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!RetryPolicy.IsRetryable(response.StatusCode) || attempt >= _retry.MaxAttempts || _retry.NextDelay(attempt, response, waited) is not { } delay)
            {
                throw new BotConnectorException(
                    response.StatusCode, $"{method} {target.AbsolutePath} failed with {(int)response.StatusCode} after {attempt} attempt(s) over {waited.TotalSeconds:0.#} s.", error);
            }

            waited += delay;
            await _retry.Delay(delay, cancellationToken);
        }
    }

    private static ResourceResponse Read(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ResourceResponse>(text, ActivityJson.Options) ?? new ResourceResponse(null);
        }
        catch (JsonException)
        {
            return new ResourceResponse(null);
        }
    }
}
