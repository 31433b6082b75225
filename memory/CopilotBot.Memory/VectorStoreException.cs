namespace CopilotBot.Memory;

/// <summary>A vector store call failed. <see cref="IsTransient"/> tells a retryable outage from a misconfiguration.</summary>
public class VectorStoreException(string message, int? statusCode = null, bool isTransient = false, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>HTTP status of the failed call (remote stores), or null.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>True for timeouts, 429 and 5xx after retries: trying again later may work.</summary>
    public bool IsTransient { get; } = isTransient;
}
