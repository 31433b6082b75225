using CopilotBot.Routing.Tests.Evaluation;
using CopilotBot.Routing.Tests.TestDoubles;
using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Tests;

/// <summary>Customer text pasted into a request to search support, with "now" = Thursday 2026-02-05.</summary>
public sealed class PastedTextTests
{
    [Fact]
    public void Route_KeepsPastedDatesOutOfTheRange_WhenTheQuotedTextSaysToday()
    {
        RouteResult result = TestRouter.Route("What do support conversations say about this: flight delayed today, missed my connection on Jan 3");

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("support.ask", result.Intent);
        Assert.Equal("flight delayed today, missed my connection on Jan 3", result.Slots["question"]);
        Assert.False(result.Slots.ContainsKey("from"));
        Assert.False(result.Slots.ContainsKey("to"));
    }

    [Fact]
    public void Route_TakesTheRangeFromTheWrapper_WhenTheRequestNamesAPeriod()
    {
        RouteResult result = TestRouter.Route("what did support tickets from last month say about this: my bag was lost yesterday");

        Assert.Equal("support.ask", result.Intent);
        Assert.Equal("my bag was lost yesterday", result.Slots["question"]);
        Assert.Equal("2026-01-01", result.Slots["from"]);
        Assert.Equal("2026-01-31", result.Slots["to"]);
    }

    [Fact]
    public void Route_SendsTheWholePaste_WhenItIsLongAndInAnotherLanguage()
    {
        string paste = string.Concat(Enumerable.Repeat("Mi vuelo fue cancelado y nadie me ayuda con el reembolso. ", 900));

        RouteResult result = TestRouter.Route("find support tickets like this one: " + paste);

        Assert.Equal("support.ask", result.Intent);
        string question = Assert.IsType<string>(result.Slots["question"]);
        Assert.StartsWith("Mi vuelo fue cancelado", question, StringComparison.Ordinal);
        Assert.InRange(question.Length, 2000, PastedText.MaxPastedChars);
    }

    [Theory]
    [InlineData("draft an email to Contoso about this: they lost our data twice")]
    [InlineData("remind me to call the customer about this: \"billing is wrong again\"")]
    [InlineData("what are customers complaining about in billing tickets this month?")]
    [InlineData("show support sentiment trends for the last 30 days")]
    [InlineData("support tickets: billing")]
    public void Find_ReturnsNull_WhenTheMessageIsNotAPastedSupportSearch(string text)
    {
        Assert.Null(PastedText.Find(text));
    }

    /// <summary>The wrapper step must not take over any question of the hand-written sets (no regression by construction).</summary>
    [Theory]
    [InlineData("eval.jsonl")]
    [InlineData("eval-blind.jsonl")]
    [InlineData("eval-blind-cohorts.jsonl")]
    [InlineData("eval-blind-growth.jsonl")]
    public void Find_LeavesEveryQuestionAlone_WhenTheEvalSetsAreRead(string file)
    {
        var texts = EvalSet.Load(Path.Combine(Path.GetDirectoryName(TestRouter.EvalPath)!, file))
            .SelectMany(c => c.Turns).Select(t => t.Text).ToList();

        var taken = texts.Where(t => PastedText.Find(t) is not null).ToList();

        Assert.NotEmpty(texts);
        Assert.Empty(taken);
    }
}
