using System.Diagnostics;
using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

/// <summary>Whatever users type, the router answers with a sensible kind and reason and never throws.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("?!?")]
    [InlineData("🔥🔥🔥")]
    public void Route_ReturnsInvalidWithExample_WhenInputHasNoWords(string text)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal(RouteKind.Invalid, result.Kind);
        Assert.Null(result.Intent);
        Assert.StartsWith("Ask me something like", result.Reason);
    }

    [Fact]
    public void Route_ReturnsInvalidWithExample_WhenInputIsNull()
    {
        RouteResult result = TestRouter.Route(null!);

        Assert.Equal(RouteKind.Invalid, result.Kind);
    }

    [Fact]
    public void Route_ClassifiesTheStart_WhenInputIs10000Characters()
    {
        string text = "which accounts are at risk in EMEA? " + string.Concat(Enumerable.Repeat("blah ", 2000));
        TestRouter.Route("warm up"); // the router's first use builds its model; only the long input is timed
        var watch = Stopwatch.StartNew();

        RouteResult result = TestRouter.Route(text[..10_000]);

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal("EMEA", result.Slots["region"]);
        // A loose guard against super-linear work on long input (the speed itself is measured in bench/), not a timing target.
        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Route_DoesNotThrow_WhenInputIs10000CharactersWithoutSpaces()
    {
        RouteResult result = TestRouter.Route(new string('x', 10_000));

        Assert.NotEqual(RouteKind.Routed, result.Kind);
    }

    [Fact]
    public void Route_IgnoresControlCharacters_WhenTheyAreMixedIn()
    {
        RouteResult result = TestRouter.Route("who is\u0000 at\u0007 risk\u001b in\u200b EMEA\u0085?");

        Assert.Equal("churn.at_risk", result.Intent);
        Assert.Equal("EMEA", result.Slots["region"]);
    }

    [Fact]
    public void Route_IgnoresEmoji_WhenQuestionIsOtherwiseClear()
    {
        RouteResult result = TestRouter.Route("why is Acme red?? 😡🔥");

        Assert.Equal(RouteKind.Routed, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
        Assert.Equal("P10004", result.Slots["account"]);
    }

    [Theory]
    [InlineData("¿Qué cuentas están en riesgo de cancelar este mes?")]
    [InlineData("Quels sont les comptes à risque dans mon portefeuille ?")]
    [InlineData("Welche Kunden sind in EMEA gefährdet und warum?")]
    [InlineData("どのアカウントが解約のリスクがありますか")]
    [InlineData("Какие клиенты могут уйти в этом месяце?")]
    public void Route_ReturnsOutOfScope_WhenQuestionIsNotEnglish(string text)
    {
        RouteResult result = TestRouter.Route(text);

        Assert.Equal(RouteKind.OutOfScope, result.Kind);
        Assert.Null(result.Intent);
        Assert.Contains("English", result.Reason);
    }

    [Fact]
    public void Route_ReturnsInvalidNamingTheAccount_WhenNameDoesNotExist()
    {
        RouteResult result = TestRouter.Route("why is Zzyzx red?");

        Assert.Equal(RouteKind.Invalid, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
        Assert.Contains("'Zzyzx'", result.Reason);
    }

    [Fact]
    public void Route_ReturnsInvalidNamingTheId_WhenIdDoesNotExist()
    {
        RouteResult result = TestRouter.Route("draft an email to P99999");

        Assert.Equal(RouteKind.Invalid, result.Kind);
        Assert.Contains("P99999", result.Reason);
    }

    [Fact]
    public void Route_AsksWhichAccount_WhenNameIsAmbiguous()
    {
        RouteResult result = TestRouter.Route("why is Contoso red?");

        Assert.Equal(RouteKind.Clarify, result.Kind);
        Assert.Equal("churn.explain", result.Intent);
        Assert.Equal("Which account did you mean: Contoso Ltd or Contoso Pharma?", result.Reason);
        Assert.Equal(["P10001", "P10002"], result.Memory.ShownAccounts.Select(a => a.Id));
    }

    [Fact]
    public void Route_OffersChoices_WhenMessageIsOnlyAnAccountName()
    {
        RouteResult result = TestRouter.Route("Northwind");

        Assert.Equal(RouteKind.Clarify, result.Kind);
        Assert.Null(result.Intent);
        Assert.Equal(["churn.explain", "support.ask", "interventions.draft"], result.Alternatives.Select(a => a.Intent));
        Assert.Contains("Northwind Traders", result.Reason);
    }

    [Fact]
    public void Route_AsksWhichAccount_WhenDraftHasNoAccount()
    {
        RouteResult result = TestRouter.Route("draft a retention email");

        Assert.Equal(RouteKind.Clarify, result.Kind);
        Assert.Equal("interventions.draft", result.Intent);
        Assert.StartsWith("Which account?", result.Reason);
    }

    [Fact]
    public void Route_ClarifiesWithAlternatives_WhenRequestIsVague()
    {
        RouteResult result = TestRouter.Route("report");

        Assert.NotEqual(RouteKind.Routed, result.Kind);
        if (result.Kind == RouteKind.Clarify)
        {
            Assert.InRange(result.Alternatives.Count, 2, 4);
        }
    }

    [Fact]
    public void Route_NeverThrows_WhenInputIsRandomUnicode()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 120)];
            for (int k = 0; k < chars.Length; k++)
            {
                chars[k] = random.Next(4) switch
                {
                    0 => (char)random.Next(0, 0x80),
                    1 => " abcdefghijklmnopqrstuvwxyzP0123456789%#>-'/.,"[random.Next(46)],
                    2 => (char)random.Next(0xD800, 0xE000),
                    _ => (char)random.Next(0, 0xFFFF),
                };
            }

            RouteResult result = TestRouter.Route(new string(chars));

            Assert.NotNull(result.Memory);
        }
    }

    [Fact]
    public void Route_NeverThrows_WhenWordsAreShuffledDomainVocabulary()
    {
        string[] words = ["why", "is", "P10001", "Contoso", "next", "Friday", "top", "10", "over", "80%", "the", "second", "one", "#", "task", "42",
            "Q3", "Oct", "31", "by", "tier", "them", "mark", "saved", "in", "EMEA", "my", "book", "'s", "since", "last", "30", "days", "remind", "me", "to"];
        var random = new Random(11);
        ConversationMemory? memory = null;
        for (int i = 0; i < 2000; i++)
        {
            string text = string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => words[random.Next(words.Length)]));

            RouteResult result = TestRouter.Route(text, memory);

            memory = result.Memory.WithShownAccounts([TestRouter.Account("P10003"), TestRouter.Account("P10004")]);
        }
    }
}
