namespace CopilotBot.ML;

/// <summary>Reported after every boosting round.</summary>
/// <param name="Round">Rounds completed (1-based).</param>
/// <param name="MaxRounds">Upper bound on rounds (early stopping may end sooner).</param>
/// <param name="TrainLogLoss">Log loss on the rows used for fitting.</param>
/// <param name="ValidationLogLoss">Log loss on the early-stopping holdout, when there is one.</param>
/// <param name="ValidationAuc">ROC-AUC on the early-stopping holdout, when there is one.</param>
/// <param name="BestRound">Round with the best validation loss so far (the model keeps trees up to it).</param>
public sealed record TrainingProgress(
    int Round,
    int MaxRounds,
    double TrainLogLoss,
    double? ValidationLogLoss,
    double? ValidationAuc,
    int BestRound);
