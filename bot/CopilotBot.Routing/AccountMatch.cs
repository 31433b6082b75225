namespace CopilotBot.Routing;

/// <summary>
/// One candidate account for a name found in an utterance. <see cref="Score"/> is 0–1.
/// <see cref="MatchedText"/> is the span of the utterance that matched, when the directory knows it;
/// the router uses it to mask the name before classification and finds the span itself when it is null.
/// </summary>
public sealed record AccountMatch(AccountRef Account, double Score)
{
    public string? MatchedText { get; init; }
}
