namespace CopilotBot.ML;

/// <summary>One cross-validation fold.</summary>
/// <param name="Fold">Fold number (0-based).</param>
/// <param name="Metrics">Metrics on the fold's held-out rows.</param>
/// <param name="TrainRows">Rows the fold's model was trained on (before the early-stopping holdout).</param>
/// <param name="TestRows">Held-out rows.</param>
/// <param name="Trees">Trees in the fold's model.</param>
/// <param name="TrainingTime">Wall time of training (binning included).</param>
public sealed record FoldResult(int Fold, ClassificationMetrics Metrics, int TrainRows, int TestRows, int Trees, TimeSpan TrainingTime);
