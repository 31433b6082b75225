using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Workspace;

namespace CopilotBot.Llm;

/// <summary>
/// The HTTP side of one chat-completions round trip, under Semantic Kernel's connector: each request is the span
/// <c>chat {model}</c> (GenAI attributes: model, finish reason, token counts, tool calls; never prompts or answers), the key
/// travels in the configured header only, the token limit goes in the field the server reads, and a tool call that a
/// local server sent without an id gets one, so the tool message that answers it can name it.
/// </summary>
internal sealed class ChatWireHandler(LlmOptions options) : DelegatingHandler
{
    private int _synthesized;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using Activity? span = CopilotTelemetry.Source.StartActivity("chat " + options.ChatModel, ActivityKind.Client);
        span?.SetTag("gen_ai.operation.name", "chat");
        span?.SetTag("gen_ai.request.model", options.ChatModel);
        ApplyKeyHeader(request);
        await RewriteRequestAsync(request, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException ex)
        {
            span?.SetTag("copilot.llm.status", cancellationToken.IsCancellationRequested ? "timeout" : "cancelled");
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        catch (Exception ex)
        {
            span?.SetTag("copilot.llm.status", "error");
            CopilotTelemetry.RecordError("llm", ex, span);
            throw;
        }

        if (!response.IsSuccessStatusCode)
        {
            span?.SetTag("http.response.status_code", (int)response.StatusCode);
            span?.SetTag("copilot.llm.status", "http_error");
            span?.SetStatus(ActivityStatusCode.Error, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }

        if (response.Content.Headers.ContentType?.MediaType is not "application/json")
        {
            // Streams (server-sent events) and anything else pass through as they are.
            span?.SetTag("copilot.llm.status", "ok");
            return response;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        string repaired = Inspect(body, span);
        var content = new StringContent(repaired, Encoding.UTF8, "application/json");
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
        {
            if (!header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = content;
        span?.SetTag("copilot.llm.status", "ok");
        return response;
    }

    private void ApplyKeyHeader(HttpRequestMessage request)
    {
        // Azure-style servers take the key in api-key; the connector's bearer header must then not carry it as well.
        if (string.Equals(options.KeyHeader, LlmOptions.AzureKeyHeader, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Authorization = null;
            request.Headers.Remove(LlmOptions.AzureKeyHeader);
            request.Headers.TryAddWithoutValidation(LlmOptions.AzureKeyHeader, options.ApiKey);
        }
        else if (string.IsNullOrEmpty(options.ApiKey))
        {
            // Local servers need no key; the placeholder the connector was given must not look like one.
            request.Headers.Authorization = null;
        }
    }

    /// <summary>The connector writes <c>max_completion_tokens</c>; many local servers read only <c>max_tokens</c>.</summary>
    private async Task RewriteRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null || string.Equals(options.MaxTokensField, LlmOptions.MaxCompletionTokens, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string json = await request.Content.ReadAsStringAsync(cancellationToken);
        if (JsonNode.Parse(json) is not JsonObject body || !body.Remove("max_completion_tokens", out JsonNode? limit))
        {
            request.Content = Copy(json, request.Content.Headers.ContentType);
            return;
        }

        body["max_tokens"] = limit;
        request.Content = Copy(body.ToJsonString(), request.Content.Headers.ContentType);

        static StringContent Copy(string text, MediaTypeHeaderValue? type)
        {
            var content = new StringContent(text, Encoding.UTF8);
            content.Headers.ContentType = type ?? new MediaTypeHeaderValue("application/json");
            return content;
        }
    }

    /// <summary>Reads the answer's usage for the span and gives every tool call an id; anything unreadable passes through for the connector to reject.</summary>
    private string Inspect(string body, Activity? span)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return body;
        }

        if (root is not JsonObject answer)
        {
            return body;
        }

        bool changed = false;
        int toolCalls = 0;
        string? finish = null;
        if (answer["choices"] is JsonArray choices)
        {
            foreach (JsonObject choice in choices.OfType<JsonObject>())
            {
                finish ??= choice["finish_reason"] is JsonValue f && f.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null;
                if (choice["message"]?["tool_calls"] is not JsonArray calls)
                {
                    continue;
                }

                foreach (JsonObject call in calls.OfType<JsonObject>())
                {
                    toolCalls++;
                    if (call["id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(id.GetValue<string>()))
                    {
                        call["id"] = "call_" + Interlocked.Increment(ref _synthesized).ToString(CultureInfo.InvariantCulture);
                        changed = true;
                    }
                }
            }
        }

        if (span is not null)
        {
            span.SetTag("gen_ai.response.model", Text(answer["model"]));
            span.SetTag("gen_ai.response.finish_reasons", finish);
            span.SetTag("gen_ai.usage.input_tokens", Number(answer["usage"]?["prompt_tokens"]));
            span.SetTag("gen_ai.usage.output_tokens", Number(answer["usage"]?["completion_tokens"]));
            span.SetTag("copilot.llm.tool_calls", toolCalls);
        }

        return changed ? answer.ToJsonString() : body;

        static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

        static long? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue(out long n) ? n : null;
    }
}
