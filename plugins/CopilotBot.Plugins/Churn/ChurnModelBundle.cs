using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.ML;

namespace CopilotBot.Plugins.Churn;

/// <summary>
/// One trained version of the workspace churn model: a model per horizon (churn within 7, 30 and 90 days),
/// when and on what it was trained, and how it scored on accounts held out of training.
/// </summary>
public sealed record ChurnModelBundle(
    int Version,
    DateTimeOffset TrainedAt,
    DateOnly AsOf,
    IReadOnlyDictionary<int, GbdtModel> Models,
    ChurnModelMetrics Metrics)
{
    public const string Format = "copilot-churn-bundle/1";

    public GbdtModel Main => Models[90];

    public string ToJson()
    {
        var models = new JsonObject();
        foreach ((int horizon, GbdtModel model) in Models.OrderBy(m => m.Key))
        {
            models[horizon.ToString(CultureInfo.InvariantCulture)] = JsonNode.Parse(model.ToJson());
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["trained_at"] = TrainedAt.ToString("O", CultureInfo.InvariantCulture),
            ["as_of"] = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["metrics"] = JsonSerializer.SerializeToNode(Metrics, ChurnModelMetrics.Json),
            ["models"] = models,
        };
        return root.ToJsonString();
    }

    public static ChurnModelBundle FromJson(string json)
    {
        JsonObject root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("Empty churn model file.");
        if ((string?)root["format"] != Format)
        {
            throw new InvalidDataException($"Not a CopilotBot churn model bundle (format '{(string?)root["format"]}', expected '{Format}').");
        }

        var models = new Dictionary<int, GbdtModel>();
        foreach ((string key, JsonNode? value) in root["models"]!.AsObject())
        {
            models[int.Parse(key, CultureInfo.InvariantCulture)] = GbdtModel.FromJson(value!.ToJsonString());
        }

        return new ChurnModelBundle(
            (int)root["version"]!,
            DateTimeOffset.Parse((string)root["trained_at"]!, CultureInfo.InvariantCulture),
            DateOnly.ParseExact((string)root["as_of"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            models,
            root["metrics"].Deserialize<ChurnModelMetrics>(ChurnModelMetrics.Json)!);
    }
}

/// <summary>
/// Training figures: rows and positives per horizon, and held-out-account AUC and Brier for the 90-day model. The
/// Brier score and reliability table are of the calibrated probabilities (the ones people see), each held-out
/// account's calibrated by a calibrator fitted without it; versions trained before calibration have no table.
/// </summary>
public sealed record ChurnModelMetrics(
    IReadOnlyDictionary<string, int> Rows,
    IReadOnlyDictionary<string, int> Positives,
    double HoldoutAuc90,
    double HoldoutBrier90,
    int HoldoutAccounts)
{
    /// <summary>Brier of the raw (uncalibrated) model on the same held-out rows; null for versions trained before calibration.</summary>
    public double? HoldoutBrierUncalibrated90 { get; init; }

    public int? HoldoutRows90 { get; init; }

    /// <summary>Held-out reliability of the calibrated 90-day probabilities: per probability band, rows, mean predicted, observed rate.</summary>
    public IReadOnlyList<ReliabilityRow>? Reliability90 { get; init; }

    /// <summary>
    /// How the figures are stored: the web defaults, with NaN allowed, which is the held-out AUC when the held-out accounts
    /// of a small workspace hold no churn (a workspace of one's own data can; the demo always has some).
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>One band of a reliability table.</summary>
public sealed record ReliabilityRow(double Lower, double Upper, int Count, double MeanPredicted, double Observed);
