namespace CopilotBot.Routing.Text;

/// <summary>A lower-cased word with its place in the cleaned text (to recover the user's spelling).</summary>
public readonly record struct Token(string Text, int Start, int End, bool Capitalized);
