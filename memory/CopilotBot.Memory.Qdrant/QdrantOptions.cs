namespace CopilotBot.Memory.Qdrant;

/// <summary>Settings of <see cref="QdrantVectorStore"/>.</summary>
public sealed class QdrantOptions
{
    public const string SectionName = "Memory:Qdrant";

    /// <summary>REST endpoint, e.g. http://localhost:6333.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Sent as the <c>api-key</c> header when set (a secret: user-secrets or env <c>Memory__Qdrant__ApiKey</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Budget of one attempt; a timed-out attempt is retried like a 503.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt for 408, 429, 5xx, timeouts and connection failures.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles per retry, with jitter. A Retry-After header wins (capped at 30 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Points per upsert request; 128 × 1536 floats stays far below Qdrant's 32 MB request limit.</summary>
    public int UpsertBatchSize { get; set; } = 128;
}
