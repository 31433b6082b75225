namespace CopilotBot.ML;

/// <summary>Outcome of k-fold cross-validation.</summary>
/// <param name="Folds">Per-fold metrics, fold 0 first.</param>
/// <param name="MeanRocAuc">Mean of the per-fold ROC-AUCs.</param>
/// <param name="StdRocAuc">Standard deviation of the per-fold ROC-AUCs.</param>
/// <param name="OutOfFold">Metrics of all out-of-fold probabilities pooled.</param>
/// <param name="FoldIds">Fold of each row.</param>
/// <param name="OutOfFoldMargins">Each row's margin from the model that did not see it (fit a calibrator on these).</param>
/// <param name="OutOfFoldProbabilities">Sigmoid of the out-of-fold margins.</param>
public sealed record CrossValidationResult(
    IReadOnlyList<FoldResult> Folds,
    double MeanRocAuc,
    double StdRocAuc,
    ClassificationMetrics OutOfFold,
    IReadOnlyList<int> FoldIds,
    IReadOnlyList<double> OutOfFoldMargins,
    IReadOnlyList<double> OutOfFoldProbabilities);
