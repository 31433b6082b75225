using System.Text.Json;
using CopilotBot.Workspace.Signals;
using Xunit.Abstractions;

namespace CopilotBot.Workspace.Tests;

public sealed class SignalsTests(ITestOutputHelper output)
{
    /// <summary>
    /// First customer turns of real TwACS conversations, labelled by hand by the team (ids only: the text is read from
    /// tests/Fixtures/twacs-sample.jsonl). −1 negative, 0 neutral, +1 positive. Sarcasm ("great job" on an overbooked flight) is left in on
    /// purpose: a lexicon gets those wrong, and the figure should say so.
    /// </summary>
    private static readonly Dictionary<string, int> Labels = new()
    {
        ["2185757"] = 1, ["1551482"] = -1, ["656709"] = 1, ["1756840"] = 1, ["296056"] = -1, ["2351212"] = 0, ["2002793"] = -1,
        ["2143026"] = 0, ["2103174"] = 0, ["2062777"] = -1, ["327636"] = 1, ["783541"] = 1, ["2415917"] = 1, ["337523"] = -1,
        ["1425644"] = 0, ["2835090"] = -1, ["1135802"] = -1, ["2603517"] = -1, ["60392"] = 1, ["436582"] = 1, ["457101"] = -1,
        ["2721497"] = 0, ["1090094"] = 1, ["1174177"] = 1, ["775510"] = -1, ["1059032"] = 1, ["2210230"] = -1, ["2889016"] = 1,
        ["1611860"] = -1, ["241361"] = -1, ["440558"] = -1, ["2986417"] = -1, ["2292053"] = 1, ["1284067"] = -1, ["805481"] = -1,
        ["112168"] = 1, ["976985"] = -1, ["1301410"] = 1, ["1476643"] = -1, ["842046"] = -1, ["2075064"] = 1, ["1908398"] = 0,
    };

    [Fact]
    public void SentimentScorer_AgreesWithHandLabels_OnRealSupportText()
    {
        var texts = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Fixtures.Path("twacs-sample.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            string id = doc.RootElement.GetProperty("conversation_id").GetString()!;
            if (Labels.ContainsKey(id))
            {
                texts[id] = doc.RootElement.GetProperty("turns")[0].GetProperty("text").GetString()!;
            }
        }

        int polarRight = 0, polar = 0, threeWayRight = 0;
        foreach ((string id, int label) in Labels)
        {
            double score = SentimentScorer.Score(texts[id]);
            int predicted = score < -0.15 ? -1 : score > 0.15 ? 1 : 0;
            threeWayRight += predicted == label ? 1 : 0;
            if (label != 0)
            {
                polar++;
                polarRight += Math.Sign(score) == label ? 1 : 0;
            }
        }

        double polarAccuracy = polarRight / (double)polar, threeWay = threeWayRight / (double)Labels.Count;
        output.WriteLine($"positive vs negative: {polarAccuracy:P1} ({polarRight}/{polar}); three-way: {threeWay:P1} ({threeWayRight}/{Labels.Count})");
        Assert.Equal(Labels.Count, texts.Count);
        Assert.True(polarAccuracy >= 0.8, $"polarity accuracy {polarAccuracy:P1}");
        Assert.True(threeWay >= 0.65, $"three-way accuracy {threeWay:P1}");
    }

    [Theory]
    [InlineData("We were charged twice for October and nobody explained the invoice", "billing")]
    [InlineData("SSO has been failing for half of our users, they can't log in", "login")]
    [InlineData("The dashboard is so slow, exports keep timing out", "performance")]
    [InlineData("is the website currently down for booking reservations? I keep getting an Oops! message", "outage")]
    [InlineData("The Salesforce sync stopped and the API returns 429", "integration")]
    [InlineData("We've decided not to renew; please cancel the contract", "cancellation")]
    [InlineData("Could you add dark mode? It would be great", "feature_request")]
    [InlineData("Can we book a training session for the new department", "onboarding")]
    [InlineData("My flight landed and the weather was nice", null)]
    public void TopicClassifier_PicksTheTopic_OrNothing(string text, string? topic)
    {
        Assert.Equal(topic, TopicClassifier.Classify(text));
    }

    [Fact]
    public void SentimentScorer_HandlesNegationShoutingAndEmptyText()
    {
        Assert.True(SentimentScorer.Score("not happy with this at all") < 0);
        Assert.True(SentimentScorer.Score("TERRIBLE service") < SentimentScorer.Score("terrible service"));
        Assert.Equal(0, SentimentScorer.Score("   "));
        Assert.InRange(SentimentScorer.Score(string.Concat(Enumerable.Repeat("worst awful ", 500))), -1, -0.99);
    }
}
