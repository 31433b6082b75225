namespace CopilotBot.ML;

/// <summary>One feature's share of a prediction.</summary>
/// <param name="Feature">Feature (column) name.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Value">The row's value as text (category name or invariant number); null when missing or an unknown category.</param>
/// <param name="NumericValue">The numeric value, when the feature is numeric and present.</param>
/// <param name="Contribution">Exact TreeSHAP value in log-odds (margin) units; positive pushes towards class 1.</param>
public sealed record FeatureContribution(string Feature, FeatureKind Kind, string? Value, double? NumericValue, double Contribution);
