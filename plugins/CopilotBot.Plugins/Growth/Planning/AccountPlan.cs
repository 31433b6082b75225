using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth.Planning;

/// <summary>The three concerns an account plan weighs.</summary>
public enum PlanTrack
{
    Retention,
    Adoption,
    Expansion,
}

/// <summary>
/// One fact a plan stands on, with the id the plan's claims cite it by (<c>R1</c>, <c>A2</c>, <c>E1</c>: the track's
/// letter and a number), where it came from (the function or table) and the fact in words, numbers included.
/// </summary>
public sealed record PlanEvidence(string Id, string Source, string Text);

/// <summary>
/// A step of the plan: what to do, why (in words, citing <see cref="Cites"/>), who does it and by when.
/// <see cref="Weight"/> orders steps across tracks (higher first).
/// </summary>
public sealed record PlanStep(PlanTrack Track, string Title, string Why, string? OwnerId, DateOnly Due, double Weight, IReadOnlyList<string> Cites);

/// <summary>What one specialist found: a headline, its steps and the evidence they cite, and (with a model) its reasoning.</summary>
/// <param name="Reasoning">The model's assessment, kept only where every sentence cites this specialist's evidence; null offline.</param>
/// <param name="Holds">Things the specialist advises against for now, with the reason (e.g. no upsell pitch while churn risk is high).</param>
public sealed record SpecialistFindings(
    PlanTrack Track,
    string Headline,
    IReadOnlyList<PlanStep> Steps,
    IReadOnlyList<PlanEvidence> Evidence,
    IReadOnlyList<string> Holds,
    string? Reasoning = null);

/// <summary>One account's plan: each specialist's findings and the merged, ranked steps.</summary>
public sealed record AccountPlan(
    Account Account,
    DateOnly AsOf,
    string Summary,
    IReadOnlyList<PlanStep> Steps,
    IReadOnlyList<SpecialistFindings> Specialists)
{
    /// <summary>Every piece of evidence, by id.</summary>
    public IReadOnlyDictionary<string, PlanEvidence> Evidence { get; } =
        Specialists.SelectMany(s => s.Evidence).GroupBy(e => e.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}

/// <summary>
/// A specialist the account planner consults: its own instructions (what it weighs, for a model to reason with) and its
/// own functions over the workspace, called to produce structured findings.
/// </summary>
public interface IPlanSpecialist
{
    PlanTrack Track { get; }

    /// <summary>The specialist's instructions: its remit and rules, given to a model when one is configured.</summary>
    string Instructions { get; }

    /// <summary>The findings for one account; never throws for missing data (it says what is missing instead).</summary>
    Task<SpecialistFindings> ConsultAsync(Account account, DateOnly today, CancellationToken cancellationToken);
}
