namespace CopilotBot.Channels.Cards;

/// <summary>A rendered card that must not be sent: the problems are listed so the bug is found from the log line alone.</summary>
public sealed class CardValidationException(IReadOnlyList<string> problems)
    : Exception("The card cannot be sent: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
