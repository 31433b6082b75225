namespace CopilotBot.Routing;

/// <summary>An account as the router sees it: its id (for example P10342) and its display name.</summary>
public sealed record AccountRef(string Id, string Name);
