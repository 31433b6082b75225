namespace CopilotBot.Memory;

/// <summary>An embedding call failed or answered something unusable (wrong count or dimension, bad JSON, HTTP error).</summary>
public sealed class EmbeddingException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>HTTP status of the failed call, when there was one.</summary>
    public int? StatusCode { get; } = statusCode;
}
