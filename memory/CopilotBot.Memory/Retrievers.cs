namespace CopilotBot.Memory;

/// <summary>Which retrievers ranked a search result.</summary>
[Flags]
public enum Retrievers
{
    None = 0,
    Vector = 1,
    Keyword = 2,
}
