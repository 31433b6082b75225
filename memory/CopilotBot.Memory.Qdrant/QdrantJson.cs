using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotBot.Memory.Qdrant;

/// <summary>Request and response shapes of the Qdrant REST API (v1.10+), as in the OpenAPI spec.</summary>
internal static class QdrantJson
{
    /// <summary>A Qdrant <c>Filter</c>: account, topic and time range in <c>must</c>, excluded conversations in <c>must_not</c>.</summary>
    public static JsonObject? Filter(VectorFilter? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return null;
        }

        var must = new JsonArray();
        if (filter.AccountIds is not null)
        {
            must.Add(Match(PayloadFields.AccountId, filter.AccountIds));
        }

        if (filter.Topics is not null)
        {
            must.Add(Match(PayloadFields.Topic, filter.Topics));
        }

        if (filter.From is not null || filter.Until is not null)
        {
            var range = new JsonObject();
            if (filter.From is not null)
            {
                range["gte"] = filter.FromUnixSeconds;
            }

            if (filter.Until is not null)
            {
                range["lt"] = filter.UntilUnixSeconds;
            }

            must.Add(new JsonObject { ["key"] = PayloadFields.Timestamp, ["range"] = range });
        }

        var result = new JsonObject();
        if (must.Count > 0)
        {
            result["must"] = must;
        }

        if (filter.ExcludeConversationIds is { Count: > 0 })
        {
            result["must_not"] = new JsonArray(Match(PayloadFields.ConversationId, filter.ExcludeConversationIds));
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>Writes one point of an upsert body.</summary>
    public static void WritePoint(Utf8JsonWriter writer, VectorRecord record)
    {
        MemoryChunk chunk = record.Chunk;
        writer.WriteStartObject();
        writer.WriteString("id", chunk.Id.ToString("D"));
        writer.WriteStartArray("vector");
        foreach (float value in record.Vector)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("payload");
        writer.WriteString(PayloadFields.ConversationId, chunk.ConversationId);
        // Absent rather than null: match conditions never hit a missing key, which is what a null filter value means.
        if (chunk.AccountId is not null)
        {
            writer.WriteString(PayloadFields.AccountId, chunk.AccountId);
        }

        writer.WriteNumber(PayloadFields.Timestamp, chunk.Timestamp);
        if (chunk.Topic is not null)
        {
            writer.WriteString(PayloadFields.Topic, chunk.Topic);
        }

        if (chunk.Sentiment is not null)
        {
            writer.WriteNumber(PayloadFields.Sentiment, chunk.Sentiment.Value);
        }

        writer.WriteNumber(PayloadFields.ChunkIndex, chunk.ChunkIndex);
        writer.WriteString(PayloadFields.Text, chunk.Text);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A <c>ScoredPoint</c> from <c>points/query</c> as a hit; the payload must be one we wrote.</summary>
    public static VectorHit Hit(JsonNode point, string collection)
    {
        JsonNode idNode = point["id"] ?? throw Foreign(collection, "a point without an id");
        if (idNode.GetValueKind() != JsonValueKind.String || !Guid.TryParse(idNode.GetValue<string>(), out Guid id))
        {
            throw Foreign(collection, $"point id {idNode.ToJsonString()}, which is not a UUID");
        }

        JsonObject payload = point["payload"] as JsonObject ?? throw Foreign(collection, $"point {id} without payload");
        var chunk = new MemoryChunk(
            id,
            String(payload, PayloadFields.ConversationId) ?? throw Foreign(collection, $"point {id} without {PayloadFields.ConversationId}"),
            String(payload, PayloadFields.AccountId),
            (long)(Number(payload, PayloadFields.Timestamp) ?? 0),
            String(payload, PayloadFields.Topic),
            Number(payload, PayloadFields.Sentiment),
            (int)(Number(payload, PayloadFields.ChunkIndex) ?? 0),
            String(payload, PayloadFields.Text) ?? string.Empty);
        float score = point["score"]?.GetValue<float>() ?? throw Foreign(collection, $"point {id} without a score");
        return new VectorHit(chunk, score);
    }

    private static JsonObject Match(string key, IReadOnlyCollection<string> values) => new()
    {
        ["key"] = key,
        ["match"] = values.Count == 1
            ? new JsonObject { ["value"] = values.First() }
            : new JsonObject { ["any"] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]) },
    };

    private static string? String(JsonObject payload, string key) =>
        payload[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static double? Number(JsonObject payload, string key) =>
        payload[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;

    private static VectorStoreException Foreign(string collection, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Qdrant collection '{collection}' returned {what}; it holds points this app did not write."));
}
