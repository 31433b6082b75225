namespace CopilotBot.Channels.DirectLine;

/// <summary>Attachment <see cref="Index"/> of activity <see cref="ActivityId"/>: where a clicked card was.</summary>
public sealed record CardLocation(string ActivityId, int Index);
