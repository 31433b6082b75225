namespace CopilotBot.ML;

/// <summary>Progress of a cross-validation run.</summary>
/// <param name="Fold">Fold being trained (0-based).</param>
/// <param name="FoldCount">Number of folds.</param>
/// <param name="Training">Round progress within the fold.</param>
public sealed record CrossValidationProgress(int Fold, int FoldCount, TrainingProgress Training);
