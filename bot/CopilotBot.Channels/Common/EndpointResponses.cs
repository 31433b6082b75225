using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Common;

/// <summary>Small helpers for writing endpoint answers: every refusal is a short JSON body with a code, never a stack trace.</summary>
internal static class EndpointResponses
{
    public static Task ErrorAsync(HttpResponse response, int status, string code, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        return WriteJsonAsync(response, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, cancellationToken);
    }

    public static async Task WriteJsonAsync<T>(HttpResponse response, T value, CancellationToken cancellationToken, JsonSerializerOptions? options = null)
    {
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(JsonSerializer.Serialize(value, options ?? JsonSerializerOptions.Web), cancellationToken);
    }
}
