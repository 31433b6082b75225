namespace CopilotBot.Routing.Classification;

/// <summary>One training example: a catalog intent (or "oos") and the raw text.</summary>
public sealed record LabelledUtterance(string Label, string Text);
