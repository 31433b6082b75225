using System.Text.Json.Nodes;

namespace CopilotBot.Memory.Tests.TestDoubles;

/// <summary>Response bodies shaped as in Qdrant's OpenAPI spec (v1.19): the envelope, errors and common results.</summary>
public static class QdrantReplies
{
    public static ScriptedResponse Ok(JsonNode? result) =>
        new(200, new JsonObject { ["result"] = result, ["status"] = "ok", ["time"] = 0.0012 }.ToJsonString());

    public static ScriptedResponse Error(int status, string message) =>
        new(status, new JsonObject { ["status"] = new JsonObject { ["error"] = message }, ["time"] = 0.0003 }.ToJsonString());

    public static ScriptedResponse Exists(bool exists) => Ok(new JsonObject { ["exists"] = exists });

    public static ScriptedResponse Completed() => Ok(new JsonObject { ["operation_id"] = 7, ["status"] = "completed" });

    public static ScriptedResponse Count(long count) => Ok(new JsonObject { ["count"] = count });

    /// <summary>GET /collections/{name}: a green collection with one unnamed vector.</summary>
    public static ScriptedResponse CollectionInfo(int size, string distance = "Cosine") => Ok(JsonNode.Parse($$$"""
        {"status":"green","optimizer_status":"ok","segments_count":2,"points_count":0,"indexed_vectors_count":0,
         "config":{"params":{"vectors":{"size":{{{size}}},"distance":"{{{distance}}}"},"shard_number":1,"replication_factor":1,
                  "write_consistency_factor":1,"on_disk_payload":true},
                  "hnsw_config":{"m":16,"ef_construct":100,"full_scan_threshold":10000},
                  "optimizer_config":{"deleted_threshold":0.2,"vacuum_min_vector_number":1000,"default_segment_number":0,
                  "flush_interval_sec":5},"wal_config":{"wal_capacity_mb":32,"wal_segments_ahead":0}},
         "payload_schema":{}}
        """));
}
