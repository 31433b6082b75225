namespace CopilotBot.ML;

/// <summary>How a feature column is interpreted by the model.</summary>
public enum FeatureKind
{
    /// <summary>A number; blank cells are missing (NaN).</summary>
    Numeric,

    /// <summary>A label from a fixed list of categories; blank or unknown labels are missing.</summary>
    Categorical,
}
