namespace CopilotBot.ML;

/// <summary>A scoring file validated against a model schema.</summary>
/// <param name="Data">The rows, in the model's feature order.</param>
/// <param name="Warnings">Non-fatal issues: ignored extra columns, unknown categories scored as missing, missing id column.</param>
/// <param name="UnknownCategoryCounts">Per feature name, how many cells held a category the model never saw.</param>
public sealed record ScoringData(
    TabularData Data,
    IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, int> UnknownCategoryCounts);
