namespace CopilotBot.ML;

/// <summary>Optional overrides for column type inference when loading a training CSV.</summary>
/// <param name="CategoricalColumns">Columns to treat as categorical even if every value is a number (e.g. zip codes).</param>
/// <param name="IgnoredColumns">Columns to drop entirely.</param>
public sealed record CsvReadOptions(
    IReadOnlyCollection<string>? CategoricalColumns = null,
    IReadOnlyCollection<string>? IgnoredColumns = null);
