namespace CopilotBot.Channels.Common;

/// <summary>
/// A request a channel endpoint refuses, with the HTTP status to answer and a short, safe message. Thrown by the parsers so
/// the endpoints can turn every protocol error into the right status code instead of a 500.
/// </summary>
public sealed class ChannelRequestException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>A stable machine-readable code, e.g. <c>BadRequest</c>, <c>MissingType</c>.</summary>
    public string Code { get; } = code;

    public static ChannelRequestException BadRequest(string code, string message) => new(400, code, message);
}
