namespace CopilotBot.Bench.Churn;

/// <summary>One fold of one reference model, as printed by reference_models.py.</summary>
internal sealed record ReferenceResult(string Model, int Fold, double Auc, double TrainSeconds, int Trees);
