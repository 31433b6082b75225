namespace CopilotBot.Routing.Slots;

/// <summary>
/// A time phrase found in an utterance, resolved both ways because "Friday" or "Oct 31" means the past in
/// "complaints on Friday" and the future in "remind me Friday": <see cref="Past"/> and <see cref="Future"/>
/// are the two readings (the same for unambiguous phrases). <see cref="Due"/> is the date to use for a task
/// due date, <see cref="HorizonDays"/> the look-ahead for forecasts ("this quarter" → 90).
/// </summary>
internal sealed record TimeExpression(int Start, int End, DateRange Past, DateRange Future, DateOnly Due, int? HorizonDays);

internal readonly record struct DateRange(DateOnly From, DateOnly To)
{
    public static DateRange Day(DateOnly day) => new(day, day);
}
