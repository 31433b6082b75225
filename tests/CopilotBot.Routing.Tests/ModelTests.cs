using CopilotBot.Routing.Classification;
using CopilotBot.Routing.Tests.Evaluation;
using CopilotBot.Routing.Tests.TestDoubles;

namespace CopilotBot.Routing.Tests;

/// <summary>The committed model must be what the committed inputs produce.</summary>
public sealed class ModelTests
{
    [Fact]
    public void EmbeddedModel_HasTheCurrentInputHash_WhenInputsAreHashed()
    {
        string expected = TrainingData.ComputeInputHash(TrainingData.ReadUtterancesResource(), TestRouter.ClincPath);

        Assert.True(expected == TestRouter.Router.Model.InputHash,
            "The embedded model is stale: retrain with `dotnet run -c Release --project bench/CopilotBot.Bench.Router -- train` and rebuild.");
    }

    [Fact]
    public void Train_ReproducesTheEmbeddedModel_WhenRunOnTheSameInputs()
    {
        byte[] utterances = TrainingData.ReadUtterancesResource();
        string hash = TrainingData.ComputeInputHash(utterances, TestRouter.ClincPath);
        List<LabelledUtterance> examples = TrainingData.Build(utterances, TestRouter.ClincPath);

        RouterModel retrained = RouterTrainer.Train(examples, hash);

        RouterModel embedded = TestRouter.Router.Model;
        Assert.Equal(embedded.Labels, retrained.Labels);
        IEnumerable<string> probes = EvalSet.Load(TestRouter.EvalPath).SelectMany(c => c.Turns).Select(t => t.Text)
            .Concat(TrainingData.ReadClinc(TestRouter.ClincPath, "oos_val").Select(v => v.Text));
        foreach (string text in probes)
        {
            IReadOnlyList<string> words = RouterTrainer.MaskForTraining(text, TestRouter.Accounts);
            Assert.Equal(embedded.Predict(words), retrained.Predict(words));
        }
    }

    [Fact]
    public void EmbeddedModel_IsSmall_WhenSaved()
    {
        using var stream = new MemoryStream();

        TestRouter.Router.Model.Save(stream);

        Assert.InRange(stream.Length, 1, 3 * 1024 * 1024);
    }

    [Fact]
    public void Load_ReturnsAnEquivalentModel_WhenSavedModelIsReadBack()
    {
        RouterModel model = TestRouter.Router.Model;
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;

        RouterModel copy = RouterModel.Load(stream);

        string[] words = ["why", "is", "xacct", "red"];
        Assert.Equal(model.InputHash, copy.InputHash);
        Assert.Equal(model.Predict(words), copy.Predict(words));
    }

    [Fact]
    public void ParseUtterances_CoversEveryIntentWithHundredsOfExamples_WhenResourceIsRead()
    {
        List<LabelledUtterance> examples = TrainingData.ParseUtterances(TrainingData.ReadUtterancesResource());

        var counts = examples.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(IntentCatalog.All.Where(i => i != IntentCatalog.Help), i => Assert.True(counts[i] >= 300, i));
        Assert.True(counts[IntentCatalog.Help] >= 100);
    }

    [Theory]
    [InlineData("greeting", "help")]
    [InlineData("what_can_i_ask_you", "help")]
    [InlineData("reminder_update", null)]
    [InlineData("todo_list", null)]
    [InlineData("calendar_update", "oos")]
    [InlineData("book_flight", "oos")]
    public void MapClincLabel_FollowsTheClashPolicy_WhenIntentOverlapsOurs(string clinc, string? expected)
    {
        string? label = TrainingData.MapClincLabel(clinc);

        Assert.Equal(expected, label);
    }
}
