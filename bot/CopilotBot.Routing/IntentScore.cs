namespace CopilotBot.Routing;

/// <summary>An intent with the classifier's probability for it (0–1).</summary>
public sealed record IntentScore(string Intent, double Score);
