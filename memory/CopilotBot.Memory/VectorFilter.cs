namespace CopilotBot.Memory;

/// <summary>
/// Payload conditions, all of which must hold (Qdrant <c>must</c> / <c>must_not</c>). Null means "no condition";
/// an empty set means "matches nothing", so a caller with access to no account sees nothing rather than everything.
/// </summary>
public sealed record VectorFilter
{
    /// <summary>Chunks of these accounts only (the tenant key).</summary>
    public IReadOnlyCollection<string>? AccountIds { get; init; }

    /// <summary>Conversations that started at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Conversations that started strictly before this instant.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Chunks whose topic is one of these.</summary>
    public IReadOnlyCollection<string>? Topics { get; init; }

    /// <summary>Leave these conversations out (e.g. the one being answered).</summary>
    public IReadOnlyCollection<string>? ExcludeConversationIds { get; init; }

    /// <summary>True when no condition is set: the filter matches every chunk.</summary>
    public bool IsEmpty => AccountIds is null && From is null && Until is null && Topics is null && ExcludeConversationIds is null;

    /// <summary>True when an empty set or an empty time range makes the filter match nothing.</summary>
    public bool MatchesNothing =>
        AccountIds is { Count: 0 } || Topics is { Count: 0 } || (From is not null && Until is not null && From >= Until);

    /// <summary><see cref="From"/> as the unix-seconds bound payload timestamps are compared with (inclusive).</summary>
    public long? FromUnixSeconds => From is null ? null : CeilingSeconds(From.Value);

    /// <summary><see cref="Until"/> as the unix-seconds bound payload timestamps are compared with (exclusive).</summary>
    public long? UntilUnixSeconds => Until is null ? null : CeilingSeconds(Until.Value);

    public static VectorFilter ForAccount(string accountId) => new() { AccountIds = [accountId] };

    /// <summary>Reference semantics every store follows: true when the chunk satisfies all conditions.</summary>
    public bool Matches(MemoryChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return (AccountIds is null || (chunk.AccountId is not null && AccountIds.Contains(chunk.AccountId)))
            && (FromUnixSeconds is null || chunk.Timestamp >= FromUnixSeconds)
            && (UntilUnixSeconds is null || chunk.Timestamp < UntilUnixSeconds)
            && (Topics is null || (chunk.Topic is not null && Topics.Contains(chunk.Topic)))
            && (ExcludeConversationIds is null || !ExcludeConversationIds.Contains(chunk.ConversationId));
    }

    // Timestamps are whole seconds, so "at or after 10.5 s" means ">= 11 s" and "before 10.5 s" means "< 11 s".
    private static long CeilingSeconds(DateTimeOffset value)
    {
        long seconds = value.ToUnixTimeSeconds();
        return value.ToUnixTimeMilliseconds() % 1000 > 0 ? seconds + 1 : seconds;
    }
}
