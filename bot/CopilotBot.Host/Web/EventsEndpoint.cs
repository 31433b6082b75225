using System.Security.Cryptography;
using System.Text;
using CopilotBot.Plugins.Alerts;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Host.Web;

/// <summary>
/// <c>POST /api/events</c>: usage and payment events from other systems, authenticated with the API key in
/// <c>Events:ApiKey</c> (header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>). Good events are stored even when others
/// in the batch are refused; the answer lists each refused event with its reasons (400 when any was refused).
/// </summary>
public static class EventsEndpoint
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static async Task<IResult> HandleAsync(HttpContext context, CopilotRuntime runtime, IConfiguration configuration, ILogger<EventIngestor> logger)
    {
        if (configuration["Events:ApiKey"] is not { Length: > 0 } apiKey)
        {
            return Results.Problem("The events API is off: set Events:ApiKey (environment Events__ApiKey) to turn it on.", statusCode: 503);
        }

        if (!Authorized(context.Request, apiKey))
        {
            return Results.Problem("Missing or wrong API key: send it in the X-Api-Key header.", statusCode: 401);
        }

        // Batches may be larger than chat turns (the host's default limit); still bounded.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Results.Problem($"The body is over {MaxBodyBytes / (1024 * 1024)} MB; send smaller batches.", statusCode: 413);
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return Results.Problem($"The body is over {MaxBodyBytes / (1024 * 1024)} MB; send smaller batches.", statusCode: 413);
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            return Results.Problem($"The body is too large; send smaller batches.", statusCode: 413);
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Results.Problem("The body is not valid UTF-8; send JSON in UTF-8.", statusCode: 400);
        }

        EventIngestResult result;
        try
        {
            EventParser parser = await runtime.Events.ParserAsync(context.RequestAborted);
            EventBatch batch = parser.ParseJson(body);
            result = await runtime.Events.IngestAsync(batch, context.RequestAborted);
        }
        catch (WorkspaceException ex)
        {
            return Results.Problem(ex.Message, statusCode: 400);
        }

        logger.LogInformation(
            "Events: {Received} received, {Applied} applied, {Features} feature events, {Duplicates} duplicates, {Payments} payments, {Rejected} refused, {Rescored} accounts rescored, {Alerts} alerts",
            result.Received, result.Applied, result.FeatureEvents, result.Duplicates, result.Payments, result.Rejected.Count, result.AccountsRescored, result.Alerts.Count);
        var answer = new
        {
            received = result.Received,
            accepted = result.Received - result.Rejected.Count,
            applied = result.Applied,
            duplicates = result.Duplicates,
            payments = result.Payments,
            feature_events = result.FeatureEvents,
            first_uses = result.FirstUses.Count,
            accounts_rescored = result.AccountsRescored,
            alerts = result.Alerts.Count,
            rejected = result.Rejected.Select(e => new { index = e.Index, id = e.Id, problems = e.Problems }),
        };
        return Results.Json(answer, statusCode: result.Rejected.Count == 0 ? 200 : 400);
    }

    private static bool Authorized(HttpRequest request, string apiKey)
    {
        string? given = request.Headers["X-Api-Key"].FirstOrDefault();
        if (given is null && request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = auth[7..].Trim();
        }

        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(apiKey));
    }
}
