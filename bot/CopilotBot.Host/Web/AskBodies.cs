using CopilotBot.Channels.Common;

namespace CopilotBot.Host.Web;

/// <summary>What <c>POST /api/ask</c> answers when its body cannot be read: a 4xx that says what to send, never a 500.</summary>
internal static class AskBodies
{
    private const string Shape = "The body must be JSON: {\"question\": \"…\", \"user\": \"user id\"}.";

    /// <summary>The refusal for an exception thrown while reading the body, or null when it is not the sender's fault.</summary>
    public static IResult? Refusal(HttpRequest request, Exception exception) => exception switch
    {
        BadHttpRequestException bad => Results.Problem(
            bad.StatusCode == 413 ? $"The body is larger than the host's limit ({WebHost.MaxBodyBytes / 1024} KB)." : "The body could not be read.",
            statusCode: bad.StatusCode),
        System.Text.Json.JsonException => Results.Problem(Shape, statusCode: 400),
        InvalidOperationException when !request.HasJsonContentType() => Results.Problem("Send the body as application/json. " + Shape, statusCode: 415),
        _ when ChannelRequestException.IsShapeError(exception) => Results.Problem("A field has the wrong type or is not valid text. " + Shape, statusCode: 400),
        _ => null,
    };
}
