namespace CopilotBot.ML;

/// <summary>How much a feature was used by the model.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="TotalGain">Sum of split gains over all trees.</param>
/// <param name="SplitCount">Number of splits on the feature.</param>
public sealed record FeatureImportance(string Feature, double TotalGain, int SplitCount);
