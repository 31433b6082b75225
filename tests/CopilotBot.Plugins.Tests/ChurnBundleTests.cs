using CopilotBot.Plugins.Churn;

namespace CopilotBot.Plugins.Tests;

public sealed class ChurnBundleTests(DemoWorkspaceFixture fixture) : IClassFixture<DemoWorkspaceFixture>
{
    [Fact]
    public async Task FromJson_ScoresExactlyLikeTheTrainedBundle_AfterARoundTrip()
    {
        IReadOnlyList<AccountHistory> histories = await fixture.Loader.LoadAsync(CancellationToken.None);
        ChurnModelBundle reloaded = ChurnModelBundle.FromJson(fixture.Bundle.ToJson());

        var before = ChurnRiskService.Score(fixture.Bundle, histories, DemoWorkspaceFixture.Today);
        var after = ChurnRiskService.Score(reloaded, histories, DemoWorkspaceFixture.Today);

        Assert.All(after, r => Assert.False(double.IsNaN(r.Probability), r.Account.Id));
        Assert.Equal(before.Select(r => (r.Account.Id, r.Probability, r.Within30, r.Within7)), after.Select(r => (r.Account.Id, r.Probability, r.Within30, r.Within7)));
    }
}
