using System.Diagnostics;
using CopilotBot.Conversation.Grounding;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth.Planning;

/// <summary>
/// The orchestrator of an account plan: consults the specialists (retention, adoption, expansion) side by side, lets
/// retention hold back expansion when the account is at risk, merges their steps into one ranked plan with owners and
/// dates, and writes the summary. Offline it composes the specialists' structured findings with templates; with a
/// model (<see cref="IGroundedWriter"/>) each specialist's evidence is reasoned over under its own instructions, and
/// only sentences citing that specialist's evidence are kept.
/// </summary>
public sealed class AccountPlanner(IReadOnlyList<IPlanSpecialist> specialists, IGroundedWriter? writer = null)
{
    /// <summary>The most steps a plan lists (people act on a short plan).</summary>
    public const int MaxSteps = 6;

    /// <summary>How long a specialist's model reasoning may take before the plan goes on without it.</summary>
    public static readonly TimeSpan ModelBudget = TimeSpan.FromSeconds(8);

    public async Task<AccountPlan> PlanAsync(Account account, DateOnly today, CancellationToken cancellationToken)
    {
        SpecialistFindings[] findings = await Task.WhenAll(specialists.Select(s => ConsultAsync(s, account, today, cancellationToken)));
        var steps = findings.SelectMany(f => f.Steps)
            .GroupBy(s => s.Title, StringComparer.OrdinalIgnoreCase).Select(g => g.MaxBy(s => s.Weight)!)
            .OrderByDescending(s => s.Weight).ThenBy(s => s.Due).ThenBy(s => s.Track)
            .Take(MaxSteps)
            .ToList();
        string summary = Summary(account, findings, steps);
        return new AccountPlan(account, today, summary, steps, findings);
    }

    private async Task<SpecialistFindings> ConsultAsync(IPlanSpecialist specialist, Account account, DateOnly today, CancellationToken cancellationToken)
    {
        SpecialistFindings found = await specialist.ConsultAsync(account, today, cancellationToken);
        if (writer is null || found.Evidence.Count == 0)
        {
            return found;
        }

        // The model reasons over this specialist's evidence only, under its instructions; a sentence that cites nothing
        // or cites an id that is not this specialist's is dropped, and a slow or failed model leaves the template's plan.
        string material = "Account: " + account.Name + " (" + account.Id + "), " + account.Tier + ", " + account.Industry + ".\n" +
            string.Join("\n", found.Evidence.Select(e => $"[{e.Id}] {e.Text} (source: {e.Source})")) +
            "\nProposed steps:\n" + string.Join("\n", found.Steps.Select(s => $"- {s.Title} by {Format.Iso(s.Due)}: {s.Why}"));
        string instructions = specialist.Instructions +
            " In at most three sentences, give your assessment and what matters most. Cite the evidence ids in square brackets after every claim, e.g. [" +
            found.Evidence[0].Id + "]. Use only the evidence given.";
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ModelBudget);
        try
        {
            string? text = await writer.WriteAsync(instructions, material, budget.Token);
            return found with { Reasoning = GroundedSummary.Keep(text, found.Evidence.Select(e => e.Id).ToList()) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return found;
        }
    }

    private static string Summary(Account account, IReadOnlyList<SpecialistFindings> findings, IReadOnlyList<PlanStep> steps)
    {
        var parts = new List<string> { $"Plan for {account.Name} ({account.Id})." };
        parts.AddRange(findings.Select(f => f.Headline));
        parts.AddRange(findings.SelectMany(f => f.Holds));
        if (steps.Count > 0)
        {
            PlanStep first = steps[0];
            parts.Add($"First: {first.Title}, by {Format.Date(first.Due)}.");
        }
        else
        {
            parts.Add("Nothing needs doing beyond the usual cadence.");
        }

        Debug.Assert(parts.Count > 1, "a plan always has a headline per specialist");
        return string.Join(" ", parts);
    }
}
