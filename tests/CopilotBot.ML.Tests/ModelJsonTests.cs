using System.Text.Json.Nodes;
using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class ModelJsonTests
{
    private static readonly Lazy<string> Json = new(() =>
        new GradientBoostingTrainer(new GbdtOptions { NumRounds = 10, EarlyStoppingRounds = 0 }).Train(TestData.Synthetic(4, 300, 2, 2)).ToJson());

    [Fact]
    public void FromJson_RejectsClearly_WhenFormatIsNotAModel()
    {
        var error = Assert.Throws<InvalidDataException>(() => GbdtModel.FromJson("{\"format\":\"onnx\",\"formatVersion\":1}"));

        Assert.Contains("Not a CopilotBot GBDT model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_RejectsClearly_WhenFormatVersionUnknown()
    {
        var node = JsonNode.Parse(Json.Value)!;
        node["formatVersion"] = 99;

        var error = Assert.Throws<InvalidDataException>(() => GbdtModel.FromJson(node.ToJsonString()));

        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_Rejects_WhenTreeReferencesMissingNode()
    {
        var node = JsonNode.Parse(Json.Value)!;
        node["trees"]![0]!["left"]![0] = 999;

        Assert.Throws<InvalidDataException>(() => GbdtModel.FromJson(node.ToJsonString()));
    }

    [Fact]
    public void FromJson_Rejects_WhenJsonMalformed()
    {
        Assert.Throws<InvalidDataException>(() => GbdtModel.FromJson("{\"format\": "));
    }

    [Fact]
    public void FromJson_RoundTripsWithFormatHeader_WhenWrittenByToJson()
    {
        var node = JsonNode.Parse(Json.Value)!;

        Assert.Equal(GbdtModel.FormatName, (string?)node["format"]);
        Assert.Equal(GbdtModel.FormatVersion, (int?)node["formatVersion"]);
        Assert.Equal(Json.Value, GbdtModel.FromJson(Json.Value).ToJson());
    }
}
