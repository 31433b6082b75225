using CopilotBot.Conversation.Grounding;
using CopilotBot.Plugins.Growth.Planning;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

/// <summary>The orchestrator: merging and ranking the specialists' steps, and a model's reasoning kept only where it cites.</summary>
public sealed class AccountPlannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 21);

    private static readonly Account Contoso = new("P1", "Contoso", Tier.Gold, 120_000m, Region.EMEA, "Healthcare", "sam", new DateOnly(2027, 3, 1), null, 50);

    private sealed class Specialist(PlanTrack track, SpecialistFindings findings) : IPlanSpecialist
    {
        public PlanTrack Track => track;

        public string Instructions => $"You are the {track} specialist.";

        public Task<SpecialistFindings> ConsultAsync(Account account, DateOnly today, CancellationToken cancellationToken) => Task.FromResult(findings);
    }

    /// <summary>A model at the boundary: answers with a fixed text and records what it was asked.</summary>
    private sealed class Writer(Func<string, string> answer) : IGroundedWriter
    {
        public List<(string Instructions, string Material)> Calls { get; } = [];

        public Task<string?> WriteAsync(string instructions, string material, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((instructions, material));
            }

            return Task.FromResult<string?>(answer(instructions));
        }
    }

    private static SpecialistFindings Findings(PlanTrack track, string letter, params (string Title, double Weight, int DueIn)[] steps) => new(
        track,
        $"{track} headline.",
        steps.Select((s, i) => new PlanStep(track, s.Title, $"because [{letter}1]", "sam", Today.AddDays(s.DueIn), s.Weight, [$"{letter}1"])).ToList(),
        [new PlanEvidence($"{letter}1", "test", $"{track} fact")],
        []);

    [Fact]
    public async Task Steps_AreRankedByWeightAcrossSpecialists_DuplicatesMerged_AndCappedAtSix()
    {
        var planner = new AccountPlanner(
        [
            new Specialist(PlanTrack.Retention, Findings(PlanTrack.Retention, "R", ("Call the sponsor", 90, 2), ("Review tickets", 40, 5))),
            new Specialist(PlanTrack.Adoption, Findings(PlanTrack.Adoption, "A", ("Enable Workflows", 60, 7), ("Enable SSO", 30, 14), ("Enable Reports", 20, 21), ("Enable API", 10, 28))),
            new Specialist(PlanTrack.Expansion, Findings(PlanTrack.Expansion, "E", ("call the sponsor", 50, 3), ("Propose more seats", 55, 21))),
        ]);

        AccountPlan plan = await planner.PlanAsync(Contoso, Today, CancellationToken.None);

        Assert.Equal(["Call the sponsor", "Enable Workflows", "Propose more seats", "Review tickets", "Enable SSO", "Enable Reports"], plan.Steps.Select(s => s.Title));
        Assert.Equal(PlanTrack.Retention, plan.Steps[0].Track); // the heavier of the two "call the sponsor" steps is kept
        Assert.Equal(["A1", "E1", "R1"], plan.Evidence.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("Plan for Contoso (P1). Retention headline. Adoption headline. Expansion headline. First: Call the sponsor", plan.Summary, StringComparison.Ordinal);
        Assert.All(plan.Specialists, s => Assert.Null(s.Reasoning));
    }

    [Fact]
    public async Task WithAModel_EachSpecialistReasonsOverItsOwnEvidence_AndOnlyCitedSentencesAreKept()
    {
        var writer = new Writer(instructions => instructions.Contains("Retention", StringComparison.Ordinal)
            ? "Risk is rising [R1]. Adoption looks fine [A1]. The customer is unhappy."
            : "Nothing here.");
        var planner = new AccountPlanner(
        [
            new Specialist(PlanTrack.Retention, Findings(PlanTrack.Retention, "R", ("Call the sponsor", 90, 2))),
            new Specialist(PlanTrack.Adoption, Findings(PlanTrack.Adoption, "A", ("Enable Workflows", 60, 7))),
        ], writer);

        AccountPlan plan = await planner.PlanAsync(Contoso, Today, CancellationToken.None);

        Assert.Equal(2, writer.Calls.Count);
        var retention = writer.Calls.Single(c => c.Instructions.Contains("Retention", StringComparison.Ordinal));
        Assert.Contains("[R1] Retention fact", retention.Material, StringComparison.Ordinal);
        Assert.DoesNotContain("[A1]", retention.Material, StringComparison.Ordinal); // a specialist sees only its own evidence
        Assert.Equal("Risk is rising [R1].", plan.Specialists.Single(s => s.Track == PlanTrack.Retention).Reasoning);
        Assert.Null(plan.Specialists.Single(s => s.Track == PlanTrack.Adoption).Reasoning); // nothing cited: nothing kept
    }
}
