namespace CopilotBot.ML;

/// <summary>
/// A prediction split into per-feature TreeSHAP contributions: <c>ExpectedValue + Σ Contribution = Margin</c>
/// exactly (up to floating-point rounding), all in log-odds units of the uncalibrated model.
/// </summary>
/// <param name="ExpectedValue">Margin when no feature is known (base score + cover-weighted mean of every tree).</param>
/// <param name="Margin">The row's raw margin (log-odds).</param>
/// <param name="RawProbability">sigmoid(Margin).</param>
/// <param name="Probability">Calibrated probability (equals RawProbability when the model has no calibrator).</param>
/// <param name="Contributions">One entry per feature, in schema order.</param>
public sealed record PredictionExplanation(
    double ExpectedValue,
    double Margin,
    double RawProbability,
    double Probability,
    IReadOnlyList<FeatureContribution> Contributions)
{
    /// <summary>
    /// Contributions re-expressed in probability points: the change sigmoid(Margin) − sigmoid(ExpectedValue) is
    /// shared in proportion to the log-odds contributions. An approximation (the sigmoid is not additive), but it
    /// sums exactly to the raw probability change and keeps each feature's sign, which is what a sentence like
    /// "tenure lowered the churn risk by 8 points" needs.
    /// </summary>
    public IReadOnlyList<double> ProbabilityPointContributions()
    {
        var total = Contributions.Sum(c => c.Contribution);
        var change = RawProbability - GradientBoostingTrainer.Sigmoid(ExpectedValue);
        if (Math.Abs(total) < 1e-12)
        {
            // Contributions cancel out: fall back to the local slope of the sigmoid at the expected value.
            var slope = GradientBoostingTrainer.Sigmoid(ExpectedValue) * (1 - GradientBoostingTrainer.Sigmoid(ExpectedValue));
            return Contributions.Select(c => c.Contribution * slope).ToArray();
        }

        return Contributions.Select(c => c.Contribution / total * change).ToArray();
    }
}
