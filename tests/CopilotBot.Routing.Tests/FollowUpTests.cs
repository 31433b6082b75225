using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

/// <summary>Multi-turn behaviour from the domain doc's example dialogue.</summary>
public sealed class FollowUpTests
{
    private static readonly AccountRef[] Shown = [TestRouter.Account("P10085"), TestRouter.Account("P10088"), TestRouter.Account("P10111")];

    private static ConversationMemory AfterAtRiskList()
    {
        RouteResult first = TestRouter.Route("who in my book is most likely to churn this month?");
        Assert.Equal("churn.at_risk", first.Intent);
        return first.Memory.WithShownAccounts(Shown);
    }

    [Fact]
    public void Route_ExplainsTheOrdinalAccount_WhenAskedAboutTheSecondOne()
    {
        RouteResult result = TestRouter.Route("why is the second one red?", AfterAtRiskList());

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
        Assert.Equal("P10088", result.Slots["account"]);
    }

    [Fact]
    public void Route_DraftsForThePreviousAccount_WhenUserSaysThem()
    {
        RouteResult explained = TestRouter.Route("why is the second one red?", AfterAtRiskList());

        RouteResult result = TestRouter.Route("draft a save email to them", explained.Memory);

        Assert.Equal("interventions.draft", result.Intent);
        Assert.Equal("P10088", result.Slots["account"]);
    }

    [Fact]
    public void Route_CreatesTaskForThePreviousAccount_WhenUserSaysCallThem()
    {
        RouteResult explained = TestRouter.Route("why is Acme red?");

        RouteResult result = TestRouter.Route("remind me to call them next Friday", explained.Memory);

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("crm.create_task", result.Intent);
        Assert.Equal("P10004", result.Slots["account"]);
        Assert.Equal("2026-02-13", result.Slots["due"]);
        Assert.Equal("Call Acme Corp", result.Slots["title"]);
    }

    [Fact]
    public void Route_ExplainsTheFocusedAccount_WhenUserOnlyAsksWhy()
    {
        RouteResult asked = TestRouter.Route("is Northwind at risk?");

        RouteResult result = TestRouter.Route("why?", asked.Memory);

        Assert.Equal("churn.explain", result.Intent);
        Assert.Equal("P10003", result.Slots["account"]);
    }

    [Fact]
    public void Route_AsksWhichOne_WhenUserAsksWhyAfterAList()
    {
        RouteResult result = TestRouter.Route("why?", AfterAtRiskList());

        Assert.Equal(RouteKind.Clarify, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
        Assert.Contains("Aurova Solutions", result.Reason);
    }

    [Fact]
    public void Route_ReplacesTheRegion_WhenUserSaysAndInEmea()
    {
        RouteResult first = TestRouter.Route("accounts at risk in North America");

        RouteResult second = TestRouter.Route("and in EMEA?", first.Memory);
        RouteResult third = TestRouter.Route("what about Gold?", second.Memory);

        Assert.Equal("churn.at_risk", second.Intent);
        Assert.Equal("EMEA", second.Slots["region"]);
        Assert.Equal("churn.at_risk", third.Intent);
        Assert.Equal("EMEA", third.Slots["region"]);
        Assert.Equal("Gold", third.Slots["tier"]);
    }

    [Fact]
    public void Route_MovesTheDueDate_WhenUserSaysMakeItDueMonday()
    {
        RouteResult created = TestRouter.Route("remind me to call Acme next Friday");

        RouteResult result = TestRouter.Route("make it due Monday", created.Memory);

        Assert.Equal("crm.create_task", result.Intent);
        Assert.Equal("2026-02-09", result.Slots["due"]);
        Assert.Equal("P10004", result.Slots["account"]);
        Assert.Equal("Call Acme", result.Slots["title"]);
    }

    [Fact]
    public void Route_ContinuesThePendingIntent_WhenUserPicksAnAmbiguousCandidate()
    {
        RouteResult asked = TestRouter.Route("why is Contoso red?");

        RouteResult byOrdinal = TestRouter.Route("the second one", asked.Memory);
        RouteResult byName = TestRouter.Route("Contoso Ltd", asked.Memory);

        Assert.Equal(("churn.explain", "P10002"), (byOrdinal.Intent, byOrdinal.Slots["account"]));
        Assert.Equal(("churn.explain", "P10001"), (byName.Intent, byName.Slots["account"]));
    }

    [Fact]
    public void Route_ReturnsInvalid_WhenOrdinalIsBeyondTheList()
    {
        RouteResult result = TestRouter.Route("why is the fifth one red?", AfterAtRiskList());

        Assert.Equal(RouteKind.Invalid, result.Kind);
        Assert.Contains("3 accounts", result.Reason);
    }

    [Fact]
    public void Route_AsksForTheAccount_WhenOrdinalHasNoList()
    {
        RouteResult result = TestRouter.Route("why is the second one red?");

        Assert.Equal(RouteKind.Clarify, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
    }

    [Fact]
    public void Route_StartsFresh_WhenNewQuestionIsUnrelated()
    {
        RouteResult first = TestRouter.Route("accounts at risk in EMEA");

        RouteResult result = TestRouter.Route("what's our save rate this quarter", first.Memory);

        Assert.Equal("interventions.summary", result.Intent);
        Assert.False(result.Slots.ContainsKey("region"));
    }
}
