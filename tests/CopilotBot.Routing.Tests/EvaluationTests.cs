using CopilotBot.Routing.Classification;
using CopilotBot.Routing.Tests.Evaluation;
using CopilotBot.Routing.Tests.TestDoubles;
using Xunit.Abstractions;

namespace CopilotBot.Routing.Tests;

/// <summary>The done-when targets, measured on the held-out set (Data/eval.jsonl) and CLINC150 val splits.</summary>
public sealed class EvaluationTests(ITestOutputHelper output)
{
    private static readonly Lazy<EvalReport> Report = new(() =>
        RouterEvaluator.Evaluate(TestRouter.Router, TestRouter.Accounts, EvalSet.Load(TestRouter.EvalPath)));

    [Fact]
    public void EvalSet_HasAtLeast25QuestionsPerIntent_WhenLoaded()
    {
        List<EvalCase> cases = EvalSet.Load(TestRouter.EvalPath);

        var perIntent = cases.Where(c => !c.IsConversation && c.Turns[0].Tool is not null)
            .GroupBy(c => c.Turns[0].Tool!).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(IntentCatalog.All, intent => Assert.True(perIntent.GetValueOrDefault(intent) >= 25, $"{intent}: {perIntent.GetValueOrDefault(intent)}"));
        Assert.True(cases.Count(c => c.IsConversation) >= 10);
        Assert.True(cases.Count(c => !c.IsConversation && c.Turns[0].Tool is null) >= 25);
    }

    [Fact]
    public void Route_PicksTheRightToolFor95Percent_WhenQuestionsAreInScope()
    {
        EvalReport report = Report.Value;
        output.WriteLine(report.Format());
        report.Failures.ForEach(output.WriteLine);

        Assert.True(report.ToolAccuracy >= 0.95, $"tool accuracy {report.ToolAccuracy:P2}");
    }

    [Fact]
    public void Route_ClarifiesAtMost5Percent_WhenQuestionsAreInScope()
    {
        EvalReport report = Report.Value;

        Assert.True(report.ClarificationRate <= 0.05, $"clarification rate {report.ClarificationRate:P2}");
    }

    [Fact]
    public void Route_FillsKeyArgumentsCorrectly_WhenQuestionsAreInScope()
    {
        EvalReport report = Report.Value;

        Assert.True(report.ArgumentAccuracy >= 0.95, $"argument accuracy {report.ArgumentAccuracy:P2}");
    }

    [Fact]
    public void Route_ResolvesFollowUps_WhenConversationsAreReplayed()
    {
        EvalReport report = Report.Value;

        Assert.True(report.ConversationAccuracy >= 0.9, $"conversation turn accuracy {report.ConversationAccuracy:P2}");
    }

    [Fact]
    public void Route_AnswersNull_WhenHandWrittenQuestionsAreOutOfScope()
    {
        EvalReport report = Report.Value;

        Assert.True(report.OutOfScopeNullRate >= 0.9, $"null rate {report.OutOfScopeNullRate:P2}");
    }

    [Fact]
    public void Route_AnswersNullFor90Percent_WhenClincOosValIsRouted()
    {
        List<(string Text, string Intent)> items = TrainingData.ReadClinc(TestRouter.ClincPath, "oos_val");

        var result = RouterEvaluator.EvaluateClinc(TestRouter.Router, TestRouter.Accounts, items, expectHelpForGreetings: false);

        output.WriteLine($"oos_val null: {result.Null}/{result.Total}");
        Assert.True(EvalReport.Ratio(result.Null, result.Total) >= 0.9, $"{result.Null}/{result.Total}");
    }

    [Fact]
    public void Route_AnswersNullFor95Percent_WhenClincValIntentsAreNotOurs()
    {
        List<(string Text, string Intent)> items = [.. TrainingData.ReadClinc(TestRouter.ClincPath, "val").Where(v => !TrainingData.IsExcludedClinc(v.Intent))];
        int helpItems = items.Count(v => TrainingData.MapClincLabel(v.Intent) == IntentCatalog.Help);

        var result = RouterEvaluator.EvaluateClinc(TestRouter.Router, TestRouter.Accounts, items, expectHelpForGreetings: true);

        output.WriteLine($"val null: {result.Null}/{result.Total - helpItems}; help: {result.Help}/{helpItems}");
        Assert.True(EvalReport.Ratio(result.Null, result.Total - helpItems) >= 0.95);
    }

    [Fact]
    public void Route_NeverRoutesSideEffects_WhenConfidenceIsLow()
    {
        IEnumerable<string> texts = TrainingData.ReadClinc(TestRouter.ClincPath, "val").Select(v => v.Text)
            .Concat(EvalSet.Load(TestRouter.EvalPath).SelectMany(c => c.Turns).Select(t => t.Text));

        var risky = texts.Select(t => (Text: t, Result: TestRouter.Route(t)))
            .Where(r => r.Result.Kind == RouteKind.Routed && IntentCatalog.SideEffecting.Contains(r.Result.Intent!) && r.Result.Confidence < 0.6)
            .ToList();

        Assert.Empty(risky);
    }
}
