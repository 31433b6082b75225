using CopilotBot.Routing.Tests.Evaluation;
using CopilotBot.Routing.Tests.TestDoubles;
using Xunit.Abstractions;

namespace CopilotBot.Routing.Tests;

/// <summary>
/// A second held-out set (Data/eval-blind.jsonl), written after the router was finished and never used to change
/// its training data: the honest figure for phrasings nobody tuned on.
/// </summary>
public sealed class BlindEvaluationTests(ITestOutputHelper output)
{
    private static readonly Lazy<EvalReport> Report = new(() =>
        RouterEvaluator.Evaluate(TestRouter.Router, TestRouter.Accounts,
            EvalSet.Load(Path.Combine(Path.GetDirectoryName(TestRouter.EvalPath)!, "eval-blind.jsonl"))));

    [Fact]
    public void Route_MeetsTheTargets_OnTheBlindSet()
    {
        EvalReport report = Report.Value;
        output.WriteLine(report.Format());
        report.Failures.ForEach(output.WriteLine);

        Assert.True(report.InScope >= 80, $"{report.InScope} in-scope questions");
        Assert.True(report.ToolAccuracy >= 0.95, $"tool accuracy {report.ToolAccuracy:P2}");
        Assert.True(report.ClarificationRate <= 0.05, $"clarification rate {report.ClarificationRate:P2}");
        Assert.True(report.OutOfScopeNullRate >= 0.9, $"out-of-scope null rate {report.OutOfScopeNullRate:P2}");
    }

    /// <summary>
    /// Data/eval-blind-cohorts.jsonl: written before portfolio.cohorts and interventions.approvals had any training data,
    /// and never trained on (both intents were at 0% before; 25/25 after the first training), with a few near neighbours
    /// that must keep their routes. Issue 18 gave "which features predict retention?" to adoption.patterns (feature by
    /// feature) while portfolio.cohorts keeps the adoption ratio ("does feature adoption predict retention?"), so "which
    /// features matter most for keeping customers" now expects adoption.patterns; with the growth functions trained,
    /// "what usage patterns keep customers from churning" goes there too and "which vertical loses the most customers"
    /// asks (cohorts first, 0.43 against 0.26): 23/25.
    /// </summary>
    [Fact]
    public void Route_MeetsTheTargets_OnTheBlindCohortAndApprovalSet()
    {
        EvalReport report = EvaluateBlindSet("eval-blind-cohorts.jsonl");

        Assert.True(report.InScope >= 25, $"{report.InScope} in-scope questions");
        Assert.True(report.ToolAccuracy >= 0.9, $"tool accuracy {report.ToolAccuracy:P2}");
        Assert.True(report.ClarificationRate <= 0.1, $"clarification rate {report.ClarificationRate:P2}");
        Assert.True(report.ArgumentAccuracy >= 0.9, $"argument accuracy {report.ArgumentAccuracy:P2}");
    }

    /// <summary>
    /// Data/eval-blind-accounts.jsonl: counts and lists of accounts by status, tier, region, owner and period (incl.
    /// "churned last month"), written before portfolio.accounts had any training data and never trained on
    /// (before: 0/20 routed to it; "how many accounts do we have" went to interventions.summary at 0.43), with near
    /// neighbours that must keep their routes.
    /// </summary>
    [Fact]
    public void Route_MeetsTheTargets_OnTheBlindAccountListSet()
    {
        EvalReport report = EvaluateBlindSet("eval-blind-accounts.jsonl");

        Assert.True(report.InScope >= 25, $"{report.InScope} in-scope questions");
        Assert.True(report.ToolAccuracy >= 0.85, $"tool accuracy {report.ToolAccuracy:P2}");
        Assert.True(report.ArgumentAccuracy >= 0.85, $"argument accuracy {report.ArgumentAccuracy:P2}");
    }

    /// <summary>
    /// Data/eval-blind-pasted.jsonl: 64 questions that wrap, quote or paste a customer's words (first tweets from TwACS,
    /// CC BY-NC-SA 4.0, used here for non-commercial testing, and our own texts with dates, names, URLs, emojis and
    /// other languages), written before the router learnt to detect such wrappers. Each must reach support.ask with the
    /// pasted text, unchanged, as the question. Before the wrapper step: 5/64 routed to support.ask (7.8 %), none with the pasted text as the question.
    /// </summary>
    [Fact]
    public void Route_SendsPastedCustomerTextToSupportAsk_OnTheBlindPastedSet()
    {
        EvalReport report = EvaluateBlindSet("eval-blind-pasted.jsonl");

        Assert.True(report.InScope >= 60, $"{report.InScope} in-scope questions");
        Assert.True(report.ToolAccuracy >= 0.95, $"tool accuracy {report.ToolAccuracy:P2}");
        Assert.True(report.ArgumentAccuracy >= 0.95, $"argument accuracy {report.ArgumentAccuracy:P2}");
    }

    /// <summary>
    /// Data/eval-blind-growth.jsonl: 59 adoption, expansion and account-plan questions (adoption.next_steps,
    /// adoption.patterns, expansion.opportunities, account.plan; accounts the generator never names, typos), 14 near
    /// neighbours that must keep their routes ("draft an email to …", "create a task to follow up on the upsell with …",
    /// "how is feature adoption by tier") and 2 out of scope, written before those four functions had any training data
    /// and never trained on. Before: 0/59 routed to the new functions (14/73 in scope, the near neighbours). Each must
    /// reach its function with its account, or its tier/region/industry/owner/top, and adoption.patterns with the
    /// question as asked.
    /// </summary>
    [Fact]
    public void Route_MeetsTheTargets_OnTheBlindGrowthSet()
    {
        EvalReport report = EvaluateBlindSet("eval-blind-growth.jsonl");

        Assert.True(report.InScope >= 70, $"{report.InScope} in-scope questions");
        string[] growth = [IntentCatalog.AdoptionNextSteps, IntentCatalog.AdoptionPatterns, IntentCatalog.ExpansionOpportunities, IntentCatalog.AccountPlan];
        foreach (string intent in growth)
        {
            Assert.True(report.PerIntent.GetValueOrDefault(intent)?.Total >= 12, $"{intent}: fewer than 12 questions");
        }

        Assert.True(report.ToolAccuracy >= 0.95, $"tool accuracy {report.ToolAccuracy:P2}");
        Assert.True(report.ExactArgumentCases >= 0.95 * report.InScope, $"questions with the right function and all key arguments: {report.ExactArgumentCases}/{report.InScope}");
        Assert.True(report.ClarificationRate <= 0.05, $"clarification rate {report.ClarificationRate:P2}");
        Assert.True(report.OutOfScopeNullRate >= 1.0, $"out-of-scope null rate {report.OutOfScopeNullRate:P2}");
    }

    /// <summary>One blind set next to the main evaluation file, scored by the router, its report and failures written out.</summary>
    private EvalReport EvaluateBlindSet(string file)
    {
        EvalReport report = RouterEvaluator.Evaluate(TestRouter.Router, TestRouter.Accounts, EvalSet.Load(Path.Combine(Path.GetDirectoryName(TestRouter.EvalPath)!, file)));
        output.WriteLine(report.Format());
        report.Failures.ForEach(output.WriteLine);
        return report;
    }
}
