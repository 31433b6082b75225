using System.Diagnostics;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

public sealed class AccountNameIndexTests
{
    [Fact]
    public void Find_ReturnsBothContosos_WhenOnlyTheSharedWordIsGiven()
    {
        IReadOnlyList<AccountMatch> matches = TestRouter.Accounts.FindByName("why is Contoso red", 5);

        Assert.Equal(["P10001", "P10002"], matches.Take(2).Select(m => m.Account.Id).Order());
        Assert.Equal(matches[0].Score, matches[1].Score);
        Assert.Equal("Contoso", matches[0].MatchedText);
    }

    [Fact]
    public void Find_PrefersTheFullName_WhenItIsGiven()
    {
        IReadOnlyList<AccountMatch> matches = TestRouter.Accounts.FindByName("email Contoso Pharma today", 5);

        Assert.Equal("P10002", matches[0].Account.Id);
        Assert.True(matches[0].Score > matches[1].Score);
        Assert.Equal("Contoso Pharma", matches[0].MatchedText);
    }

    [Theory]
    [InlineData("why is contso red", "P10001")]
    [InlineData("email Northwnd Traders", "P10003")]
    [InlineData("what's up with fabrikam robotcs", "P10006")]
    [InlineData("has Aurova Solutons complained", "P10085")]
    public void Find_ToleratesTypos_WhenNameIsMisspelled(string text, string id)
    {
        IReadOnlyList<AccountMatch> matches = TestRouter.Accounts.FindByName(text, 5);

        Assert.Contains(matches, m => m.Account.Id == id);
    }

    [Theory]
    [InlineData("which accounts are at risk in EMEA this quarter")]
    [InlineData("remind me to call my mother on Friday")]
    [InlineData("what's our save rate")]
    [InlineData("show ARR at risk by tier and region")]
    [InlineData("how do I get to the airport")]
    [InlineData("which traders are at risk")]
    public void Find_ReturnsNothing_WhenTextHasOnlyEverydayWords(string text)
    {
        IReadOnlyList<AccountMatch> matches = TestRouter.Accounts.FindByName(text, 5);

        Assert.Empty(matches);
    }

    [Fact]
    public void FindById_IgnoresCase_WhenIdIsLowerCase()
    {
        AccountRef? account = TestRouter.Accounts.FindById("p10004");

        Assert.Equal("Acme Corp", account?.Name);
    }

    [Fact]
    public void Generate_ReturnsUniqueRealisticNames_WhenAskedForAThousand()
    {
        IReadOnlyList<AccountRef> accounts = DemoAccounts.Generate(1000);

        Assert.Equal(1000, accounts.Count);
        Assert.Equal(1000, accounts.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(1000, accounts.Select(a => a.Id).Distinct().Count());
        Assert.Equal(new AccountRef("P10001", "Contoso Ltd"), accounts[0]);
    }

    [Fact]
    public void Find_TakesMicroseconds_WhenDirectoryHasAThousandAccounts()
    {
        var index = new AccountNameIndex(DemoAccounts.Generate(1000));
        string[] texts = ["why is Contoso red", "remind me to call Aurova Solutions next Friday", "which accounts are at risk in EMEA", "has northwnd had outages"];
        for (int i = 0; i < 200; i++)
        {
            index.Find(texts[i % texts.Length], 5);
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 4000; i++)
        {
            index.Find(texts[i % texts.Length], 5);
        }

        double microsecondsEach = watch.Elapsed.TotalMicroseconds / 4000;
        Assert.True(microsecondsEach < 200, $"{microsecondsEach:F1} us per lookup");
    }
}
