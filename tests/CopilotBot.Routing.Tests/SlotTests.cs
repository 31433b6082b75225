using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

/// <summary>Slot values, with "now" = Thursday 2026-02-05.</summary>
public sealed class SlotTests
{
    [Theory]
    [InlineData("remind me to call Acme next Friday", "2026-02-13")]
    [InlineData("remind me to call Acme on Friday", "2026-02-06")]
    [InlineData("remind me to call Acme tomorrow", "2026-02-06")]
    [InlineData("remind me to call Acme Monday", "2026-02-09")]
    [InlineData("remind me to call Acme in 3 days", "2026-02-08")]
    [InlineData("remind me to call Acme on Feb 13", "2026-02-13")]
    [InlineData("remind me to call Acme by end of month", "2026-02-28")]
    [InlineData("remind me to call Acme on 2026-03-10", "2026-03-10")]
    [InlineData("remind me to call Acme on 13th of March", "2026-03-13")]
    public void Route_ResolvesDueDate_WhenTaskHasADatePhrase(string text, string due)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("crm.create_task", result.Intent);
        Assert.Equal(due, result.Slots["due"]);
        Assert.Equal("P10004", result.Slots["account"]);
        Assert.Equal("Call Acme", result.Slots["title"]);
    }

    [Theory]
    [InlineData("what are customers complaining about this month", "2026-02-01", "2026-02-28")]
    [InlineData("what are customers complaining about last month", "2026-01-01", "2026-01-31")]
    [InlineData("what are customers complaining about in the last 30 days", "2026-01-06", "2026-02-05")]
    [InlineData("what are customers complaining about this quarter", "2026-01-01", "2026-03-31")]
    [InlineData("what were customers complaining about in Q3", "2025-07-01", "2025-09-30")]
    [InlineData("why was sentiment negative on Oct 31", "2025-10-31", "2025-10-31")]
    [InlineData("what did customers complain about yesterday", "2026-02-04", "2026-02-04")]
    [InlineData("what are customers complaining about this week", "2026-02-02", "2026-02-08")]
    public void Route_ResolvesDateRange_WhenSupportQuestionHasAPeriod(string text, string from, string to)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("support.ask", result.Intent);
        Assert.Equal(from, result.Slots["from"]);
        Assert.Equal(to, result.Slots["to"]);
    }

    [Theory]
    [InlineData("forecast churned ARR this month", 30)]
    [InlineData("forecast churned ARR for the next 30 days", 30)]
    [InlineData("forecast churned ARR this quarter", 90)]
    [InlineData("forecast churned ARR for the next 90 days", 90)]
    [InlineData("forecast churned ARR for the next half year", 180)]
    [InlineData("forecast churned ARR over the next 6 months", 180)]
    public void Route_SetsHorizon_WhenForecastHasAPeriod(string text, int days)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("portfolio.forecast", result.Intent);
        Assert.Equal(days, result.Slots["horizon_days"]);
    }

    [Theory]
    [InlineData("accounts at risk in Europe", "EMEA")]
    [InlineData("accounts at risk in North America", "NA")]
    [InlineData("accounts at risk in the US", "NA")]
    [InlineData("accounts at risk in Asia", "APAC")]
    [InlineData("accounts at risk in South America", "LATAM")]
    [InlineData("accounts at risk in Latin America", "LATAM")]
    public void Route_MapsRegion_WhenRegionIsNamedLoosely(string text, string region)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal(region, result.Slots["region"]);
    }

    [Theory]
    [InlineData("has Acme complained about SSO", "login")]
    [InlineData("has Acme complained about the API", "integration")]
    [InlineData("has Acme complained that the app is slow", "performance")]
    [InlineData("has Acme complained that the platform was down", "outage")]
    [InlineData("has Acme complained about an invoice", "billing")]
    [InlineData("has Acme asked for a refund", "billing")]
    [InlineData("has Acme made any feature requests", "feature_request")]
    public void Route_MapsTopic_WhenSynonymIsUsed(string text, string topic)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("support.ask", result.Intent);
        Assert.Equal(topic, result.Slots["topic"]);
        Assert.Equal(text, result.Slots["question"]);
    }

    [Theory]
    [InlineData("show me the top 10 accounts at risk", "top", 10)]
    [InlineData("5 most at-risk accounts", "top", 5)]
    [InlineData("top five churn risks", "top", 5)]
    public void Route_ReadsTop_WhenCountIsGiven(string text, string slot, int value)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal(value, result.Slots[slot]);
    }

    [Theory]
    [InlineData("accounts with churn risk over 80%", 0.8)]
    [InlineData("accounts with risk above 0.7", 0.7)]
    [InlineData("accounts with more than 65 percent churn probability", 0.65)]
    public void Route_ReadsThreshold_WhenPercentOrFractionIsGiven(string text, double threshold)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal(threshold, (double)result.Slots["threshold"], 6);
    }

    [Fact]
    public void Route_ReadsTierRegionAndOwner_WhenAllAreGiven()
    {
        RouteResult result = TestRouter.Route("which gold accounts in my book are at risk in EMEA");

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal("Gold", result.Slots["tier"]);
        Assert.Equal("EMEA", result.Slots["region"]);
        Assert.Equal("me", result.Slots["owner"]);
    }

    [Fact]
    public void Route_ReadsNamedOwner_WhenPossessiveIsUsed()
    {
        RouteResult result = TestRouter.Route("show Priya's at-risk accounts");

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal("Priya", result.Slots["owner"]);
    }

    [Theory]
    [InlineData("mark T123 done", "T123")]
    [InlineData("task 42 is complete", "T42")]
    [InlineData("mark task #17 as done", "T17")]
    public void Route_ReadsTaskId_WhenTaskIsCompleted(string text, string taskId)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("crm.complete_task", result.Intent);
        Assert.Equal(taskId, result.Slots["task_id"]);
    }

    [Theory]
    [InlineData("ARR at risk by tier", "tier")]
    [InlineData("ARR at risk broken down by region", "region")]
    [InlineData("ARR at risk per CSM", "owner")]
    [InlineData("how many accounts in each risk bucket", "bucket")]
    public void Route_ReadsGroupBy_WhenPortfolioIsBrokenDown(string text, string groupBy)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("portfolio.summary", result.Intent);
        Assert.Equal(groupBy, result.Slots["group_by"]);
    }

    [Fact]
    public void Route_SetsDryRun_WhenAgentRunIsADryRun()
    {
        RouteResult result = TestRouter.Route("run the intervention agent as a dry run");

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("interventions.run_agent", result.Intent);
        Assert.Equal(true, result.Slots["dry_run"]);
    }

    [Theory]
    [InlineData("mark Contoso Ltd as saved", "P10001", "saved")]
    [InlineData("Northwind churned", "P10003", "churned")]
    [InlineData("we lost Acme", "P10004", "churned")]
    public void Route_ReadsOutcome_WhenOutcomeIsRecorded(string text, string account, string outcome)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("interventions.record_outcome", result.Intent);
        Assert.Equal(account, result.Slots["account"]);
        Assert.Equal(outcome, result.Slots["outcome"]);
    }

    [Theory]
    [InlineData("draft a save email to Acme", "email")]
    [InlineData("write a call script for Acme", "call")]
    public void Route_ReadsChannel_WhenDraftNamesOne(string text, string channel)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal("interventions.draft", result.Intent);
        Assert.Equal(channel, result.Slots["channel"]);
    }

    [Theory]
    [InlineData("why is P10342 red", "P10342")]
    [InlineData("why is p10342 red", "P10342")]
    [InlineData("why is contso ltd red", "P10001")]
    [InlineData("why is Northwind red", "P10003")]
    [InlineData("why is Contoso Pharma red", "P10002")]
    [InlineData("why is Aurova red", "P10085")]
    public void Route_ResolvesAccount_WhenIdOrFuzzyNameIsUsed(string text, string account)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal(account, result.Slots["account"]);
    }

    [Fact]
    public void Route_KeepsOnlySlotsTheIntentAccepts_WhenExtraValuesAppear()
    {
        RouteResult result = TestRouter.Route("what's our save rate in EMEA this quarter");

        Assert.Equal("interventions.summary", result.Intent);
        Assert.Equal(["from", "region", "to"], result.Slots.Keys.Order());
    }
}
