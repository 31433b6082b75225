namespace CopilotBot.Routing;

/// <summary>What the router needs besides the text: today's date, the accounts, and the previous turn.</summary>
public sealed record RoutingContext(DateOnly Now, IAccountDirectory Accounts, ConversationMemory? Previous);
