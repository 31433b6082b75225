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

    /// <summary>
    /// True for what reading a well-formed but wrongly shaped body throws: a number where a string belongs, an object where
    /// a value belongs, a duplicate key, text that is not valid UTF-8 or UTF-16. Endpoints answer these with
    /// <see cref="WrongShape"/> (400), never a 500.
    /// </summary>
    public static bool IsShapeError(Exception ex) =>
        ex is InvalidOperationException or ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException;

    public static ChannelRequestException WrongShape() =>
        BadRequest("InvalidField", "A field of the request has the wrong type or is not valid text (check types against the protocol).");
}
