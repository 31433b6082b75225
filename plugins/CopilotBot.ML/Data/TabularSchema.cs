namespace CopilotBot.ML;

/// <summary>The ordered feature columns a model was trained on, plus the label and id column names used at training time.</summary>
/// <param name="Features">Feature columns in model order.</param>
/// <param name="LabelColumn">Name of the 0/1 label column at training time (null if unknown).</param>
/// <param name="IdColumn">Name of the row id column (null if none).</param>
/// <param name="PositiveLabel">The label text that means 1 (e.g. "Yes").</param>
public sealed record TabularSchema(
    IReadOnlyList<FeatureSpec> Features,
    string? LabelColumn = null,
    string? IdColumn = null,
    string PositiveLabel = "Yes")
{
    /// <summary>Index of the feature called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Features.Count; i++)
        {
            if (string.Equals(Features[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Record equality compares lists by reference; this compares feature names, kinds and categories.</summary>
    public bool IsEquivalentTo(TabularSchema other) =>
        Features.Count == other.Features.Count
        && Features.Zip(other.Features).All(p =>
            p.First.Name == p.Second.Name && p.First.Kind == p.Second.Kind && p.First.Categories.SequenceEqual(p.Second.Categories));
}
