namespace CopilotBot.Memory;

/// <summary>How conversations are cut into chunks. Part of every conversation's content hash, so changing it re-embeds.</summary>
public sealed record ChunkerOptions
{
    /// <summary>At most this many turns per chunk.</summary>
    public int MaxTurns { get; init; } = 8;

    /// <summary>At most about this many characters per chunk; a single longer turn is split on whitespace.</summary>
    public int MaxChars { get; init; } = 1500;

    /// <summary>Turns repeated at the start of the next chunk, so a question and its answer are not split apart.</summary>
    public int OverlapTurns { get; init; } = 1;
}
