using Microsoft.AspNetCore.Http;

namespace CopilotBot.Channels.Common;

/// <summary>Reads a request body as raw bytes with a size cap: signatures are computed over the exact bytes received.</summary>
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
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ChannelRequestException(413, "PayloadTooLarge", $"Request body is larger than {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
