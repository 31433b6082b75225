namespace CopilotBot.ML;

/// <summary>Metrics of probabilities against 0/1 labels.</summary>
/// <param name="RocAuc">Area under the ROC curve (ties count half).</param>
/// <param name="PrAuc">Average precision.</param>
/// <param name="Brier">Mean squared error of the probabilities.</param>
/// <param name="LogLoss">Mean negative log-likelihood.</param>
/// <param name="Count">Rows evaluated.</param>
public sealed record ClassificationMetrics(double RocAuc, double PrAuc, double Brier, double LogLoss, int Count);
