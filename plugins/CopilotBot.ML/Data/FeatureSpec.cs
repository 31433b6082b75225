namespace CopilotBot.ML;

/// <summary>One model input column.</summary>
/// <param name="Name">Column name as it appears in the CSV header.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Categories">For categorical features the known categories (code = index); empty for numeric ones.</param>
public sealed record FeatureSpec(string Name, FeatureKind Kind, IReadOnlyList<string> Categories)
{
    /// <summary>Creates a numeric feature.</summary>
    public static FeatureSpec Numeric(string name) => new(name, FeatureKind.Numeric, []);

    /// <summary>Creates a categorical feature with the given categories (code = position in the list).</summary>
    public static FeatureSpec Categorical(string name, IReadOnlyList<string> categories) =>
        new(name, FeatureKind.Categorical, categories);

    /// <summary>Returns the code of <paramref name="category"/>, or -1 when it is not a known category.</summary>
    public int CategoryCode(string category)
    {
        for (var i = 0; i < Categories.Count; i++)
        {
            if (string.Equals(Categories[i], category, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
