namespace CopilotBot.ML;

/// <summary>What happened during training (no timings, so it does not break model determinism).</summary>
/// <param name="RoundsTrained">Rounds run before stopping.</param>
/// <param name="TreesKept">Trees in the model (the best round when early stopping was on).</param>
/// <param name="StoppedEarly">True when early stopping ended training before NumRounds.</param>
/// <param name="TrainRows">Rows used to fit trees.</param>
/// <param name="ValidationRows">Rows held out for early stopping.</param>
/// <param name="BestValidationLogLoss">Holdout log loss of the kept model, when there was a holdout.</param>
public sealed record TrainingSummary(
    int RoundsTrained,
    int TreesKept,
    bool StoppedEarly,
    int TrainRows,
    int ValidationRows,
    double? BestValidationLogLoss);
