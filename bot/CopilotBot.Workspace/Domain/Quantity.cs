using System.Globalization;
using Humanizer;

namespace CopilotBot.Workspace.Domain;

/// <summary>
/// A count with its noun in the right number ("1 task", "3 tasks", "1,250 accounts"), for every sentence people read;
/// English plurals come from Humanizer, so irregular ones ("1 company", "2 companies") are right too.
/// </summary>
public static class Quantity
{
    public static string Of(long count, string singular) =>
        singular.ToQuantity(count, "N0", CultureInfo.InvariantCulture);

    /// <summary>The noun alone, singular for 1 and plural otherwise ("overdue task" → "overdue tasks").</summary>
    public static string Noun(long count, string singular) =>
        count == 1 ? singular : singular.Pluralize(inputIsKnownToBeSingular: true);
}
