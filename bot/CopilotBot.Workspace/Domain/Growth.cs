namespace CopilotBot.Workspace.Domain;

/// <summary>The product plan an account subscribes to, from the smallest to the largest.</summary>
public enum Plan
{
    Starter,
    Pro,
    Enterprise,
}

/// <summary>
/// A feature of the product, as the workspace knows it: its name (the key, compared ignoring case), the features it
/// builds on (an account normally uses those first: "SSO" before "SCIM provisioning"), the smallest plan that includes
/// it, and whether it is a key feature (its first use is worth a next-step alert).
/// </summary>
public sealed record ProductFeature(string Name, IReadOnlyList<string> Requires, Plan MinPlan, bool Key = false);

/// <summary>How many of an account's users used a feature in a month; <see cref="Month"/> is the first day of the month.</summary>
public sealed record FeatureUsageMonth(string AccountId, DateOnly Month, string Feature, int Users);

/// <summary>The day an account first used a feature.</summary>
public sealed record FeatureFirstUse(string AccountId, string Feature, DateOnly FirstUsedOn);

/// <summary>
/// A <c>feature_used</c> event: <paramref name="Users"/> of the account used <paramref name="Feature"/> at
/// <paramref name="At"/>. Applied once by <paramref name="Id"/>: the month of <paramref name="At"/> keeps the highest user
/// count seen, and the account's first use of the feature moves earlier when this one is earlier.
/// </summary>
public sealed record FeatureEvent(string Id, string AccountId, string Feature, DateTimeOffset At, int Users);

/// <summary>
/// The account's subscription from <see cref="On"/>: plan, seats purchased and ARR. An account's rows in date order are
/// its commercial history: the first is where it started, a later row with more ARR is an expansion (seats added or a
/// plan upgrade) and one with less a contraction.
/// </summary>
public sealed record SubscriptionChange(string Id, string AccountId, DateOnly On, Plan Plan, int Seats, decimal Arr);

/// <summary>What one subscription change did, against the row before it.</summary>
public enum SubscriptionMove
{
    Start,
    Expansion,
    Contraction,
    Unchanged,
}

public static class SubscriptionHistory
{
    /// <summary>
    /// The account's changes in date order (then id), each with what it did and its ARR change against the one before
    /// (the first row is the start, its change its whole ARR).
    /// </summary>
    public static IReadOnlyList<(SubscriptionChange Change, SubscriptionMove Move, decimal ArrDelta)> Moves(IEnumerable<SubscriptionChange> changes)
    {
        var ordered = changes.OrderBy(c => c.On).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        var moves = new List<(SubscriptionChange, SubscriptionMove, decimal)>(ordered.Count);
        SubscriptionChange? previous = null;
        foreach (SubscriptionChange c in ordered)
        {
            if (previous is null)
            {
                moves.Add((c, SubscriptionMove.Start, c.Arr));
            }
            else
            {
                decimal delta = c.Arr - previous.Arr;
                SubscriptionMove move = delta > 0 || (delta == 0 && (c.Seats > previous.Seats || c.Plan > previous.Plan)) ? SubscriptionMove.Expansion
                    : delta < 0 || c.Seats < previous.Seats || c.Plan < previous.Plan ? SubscriptionMove.Contraction
                    : SubscriptionMove.Unchanged;
                moves.Add((c, move, delta));
            }

            previous = c;
        }

        return moves;
    }

    /// <summary>The subscription in force on <paramref name="day"/>: the latest change on or before it, or null.</summary>
    public static SubscriptionChange? AsOf(IEnumerable<SubscriptionChange> changes, DateOnly day) =>
        changes.Where(c => c.On <= day).OrderBy(c => c.On).ThenBy(c => c.Id, StringComparer.Ordinal).LastOrDefault();
}
