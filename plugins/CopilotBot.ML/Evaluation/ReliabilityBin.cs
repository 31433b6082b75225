namespace CopilotBot.ML;

/// <summary>One row of a reliability (calibration) table.</summary>
/// <param name="Lower">Inclusive lower probability bound.</param>
/// <param name="Upper">Upper bound (exclusive, except 1.0 for the last bin).</param>
/// <param name="Count">Predictions in the bin.</param>
/// <param name="MeanPredicted">Mean predicted probability, null when the bin is empty.</param>
/// <param name="ObservedRate">Fraction of positives, null when the bin is empty.</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double? MeanPredicted, double? ObservedRate);
