using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Churn;

/// <summary>One stored churn model version as a listing shows it: read from the row's summary, not the model itself.</summary>
public sealed record ChurnModelInfo(int Version, DateTimeOffset TrainedAt, DateOnly AsOf, ChurnModelMetrics Metrics)
{
    public static ChurnModelInfo FromStored(ModelVersion stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        JsonObject summary = JsonNode.Parse(stored.Summary)?.AsObject() ?? throw new InvalidDataException($"Churn model v{stored.Version} has no summary.");
        return new ChurnModelInfo(
            stored.Version,
            stored.CreatedAt,
            DateOnly.ParseExact((string)summary["as_of"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            summary["metrics"].Deserialize<ChurnModelMetrics>(ChurnModelMetrics.Json)!);
    }
}
