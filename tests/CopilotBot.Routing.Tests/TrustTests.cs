using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

/// <summary>Issue #16 §4: routing that knows when it does not know, and names resolved the way they were written.</summary>
public sealed class TrustTests
{
    private static readonly InMemoryAccountDirectory Directory = new(
    [
        .. DemoAccounts.Generate(),
        new AccountRef("Q1", "Quantum Motors"), new AccountRef("Q2", "Quantum Motors Inc"),
        new AccountRef("J1", "Juniper Media GmbH"), new AccountRef("J2", "Juniper Media LLC"),
    ]);

    private static RouteResult Route(string text, ConversationMemory? previous = null) =>
        TestRouter.Router.Route(text, new RoutingContext(TestRouter.Now, Directory, previous));

    [Fact]
    public void HowManyAccounts_GoesToPortfolioAccounts_NotTheSaveRate()
    {
        RouteResult result = Route("how many accounts do we have");

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal(IntentCatalog.PortfolioAccounts, result.Intent);
    }

    [Fact]
    public void ChurnedAccountsLastMonth_IsAListOfChurnedAccountsInThatMonth_NotTheAtRiskList()
    {
        RouteResult result = Route("show me churned accounts last month");

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal(IntentCatalog.PortfolioAccounts, result.Intent);
        Assert.Equal("churned", result.Slots["status"]);
        Assert.Equal("2026-01-01", result.Slots["from"]);
        Assert.Equal("2026-01-31", result.Slots["to"]);
    }

    [Fact]
    public void ExactName_BeatsAPrefixOfIt()
    {
        RouteResult full = Route("why is Quantum Motors Inc red?");
        RouteResult prefix = Route("why is Quantum Motors red?");

        Assert.Equal(RouteKind.Routed, full.Kind);
        Assert.Equal("Q2", full.Slots["account"]);
        Assert.Equal(RouteKind.Routed, prefix.Kind);
        Assert.Equal("Q1", prefix.Slots["account"]);
    }

    [Fact]
    public void UnknownName_IsEchoedAsWritten()
    {
        // No account has "Quantum" in this directory; the model knows the word, which used to cut it off the echo.
        RouteResult result = TestRouter.Route("why is Quantum Widgets Inc red?");

        Assert.True(result.Kind == RouteKind.Invalid, $"{result.Kind}: {result.Reason}");
        Assert.Contains("'Quantum Widgets Inc'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SideEffect_NeverRuns_WhileItsAccountQuestionIsOpen()
    {
        RouteResult ask = Route("remind me to call Juniper Media next Friday");
        Assert.Equal(RouteKind.Clarify, ask.Kind);
        Assert.Contains("Juniper Media GmbH", ask.Reason, StringComparison.Ordinal);

        RouteResult followUp = Route("make it due Monday", ask.Memory);

        Assert.NotEqual(RouteKind.Routed, followUp.Kind);
        Assert.Equal(RouteKind.Clarify, followUp.Kind);
        Assert.Contains("Juniper Media LLC", followUp.Reason, StringComparison.Ordinal);
        Assert.Equal("2026-02-09", followUp.Slots["due"]);
    }

    [Theory]
    [InlineData("GmbH", "J1")]
    [InlineData("the LLC one", "J2")]
    [InlineData("llc please", "J2")]
    [InlineData("Juniper Media GmbH", "J1")]
    public void AccountQuestion_IsAnsweredByWhatTellsTheNamesApart(string answer, string expected)
    {
        RouteResult ask = Route("remind me to call Juniper Media next Friday");

        RouteResult answered = Route(answer, ask.Memory);

        Assert.True(answered.Kind == RouteKind.Routed, $"{answered.Kind}: {answered.Reason}");
        Assert.Equal(IntentCatalog.CrmCreateTask, answered.Intent);
        Assert.Equal(expected, answered.Slots["account"]);
    }

    [Fact]
    public void AccountQuestion_AnsweredWithBothNames_AsksAgain()
    {
        RouteResult ask = Route("remind me to call Juniper Media next Friday");

        RouteResult answered = Route("GmbH or LLC", ask.Memory);

        Assert.NotEqual(RouteKind.Routed, answered.Kind);
    }

    [Fact]
    public void AccountQuestion_IsRememberedAsOpen()
    {
        RouteResult ask = Route("remind me to call Juniper Media next Friday");

        Assert.True(ask.Memory.AwaitingAccount);
    }
}
