namespace CopilotBot.ML;

/// <summary>How raw model margins are mapped to calibrated probabilities.</summary>
public enum CalibrationMethod
{
    /// <summary>Logistic regression on the margin (two parameters; robust on small calibration sets).</summary>
    Platt,

    /// <summary>Monotone step fit (pool-adjacent-violators) with linear interpolation; needs more data.</summary>
    Isotonic,
}
