using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Common;

/// <summary>
/// Reads a request body as raw bytes with a size cap (413 over it, also when Kestrel's own limit trips first) and refuses
/// bytes that are not UTF-8 (400): signatures are computed over the exact bytes received.
/// </summary>
internal static class HttpBodies
{
    public const int DefaultMaxBytes = 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw new ChannelRequestException(413, "PayloadTooLarge", $"Request body is larger than {maxBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new ChannelRequestException(413, "PayloadTooLarge", $"Request body is larger than {maxBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The server's own limit (Kestrel's MaxRequestBodySize) or a broken upload: the sender's problem, with its status.
            throw new ChannelRequestException(ex.StatusCode, ex.StatusCode == 413 ? "PayloadTooLarge" : "BadRequest", "The request body could not be read within the server's limits.");
        }

        byte[] body = buffer.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            // JSON and form bodies are UTF-8; invalid bytes would surface later as odd exceptions or U+FFFD in stored text.
            throw ChannelRequestException.BadRequest("InvalidUtf8", "The request body is not valid UTF-8.");
        }

        return body;
    }
}
