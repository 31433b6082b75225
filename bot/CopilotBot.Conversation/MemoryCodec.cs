using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Routing;

namespace CopilotBot.Conversation;

/// <summary>Stores the router's conversation memory as JSON, keeping slot values as the primitives the router expects.</summary>
public static class MemoryCodec
{
    public static string Serialize(ConversationMemory memory)
    {
        var slots = new JsonObject();
        foreach ((string key, object value) in memory.Slots)
        {
            slots[key] = JsonValue.Create(value) is { } node ? node : JsonValue.Create(value.ToString());
        }

        return new JsonObject
        {
            ["intent"] = memory.Intent,
            ["slots"] = slots,
            ["account"] = Ref(memory.Account),
            ["shown"] = new JsonArray(memory.ShownAccounts.Select(Ref).ToArray()),
            ["awaiting_account"] = memory.AwaitingAccount,
        }.ToJsonString();

        static JsonNode? Ref(AccountRef? a) => a is null ? null : new JsonObject { ["id"] = a.Id, ["name"] = a.Name };
    }

    public static ConversationMemory Deserialize(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return ConversationMemory.Empty;
        }

        try
        {
            JsonObject root = JsonNode.Parse(json)!.AsObject();
            var slots = new Dictionary<string, object>();
            foreach ((string key, JsonNode? node) in root["slots"]?.AsObject() ?? [])
            {
                if (node is JsonValue v)
                {
                    JsonElement e = v.GetValue<JsonElement>();
                    object? value = e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.Number when e.TryGetInt32(out int i) => i,
                        JsonValueKind.Number => e.GetDouble(),
                        _ => null,
                    };
                    if (value is not null)
                    {
                        slots[key] = value;
                    }
                }
            }

            return new ConversationMemory(
                (string?)root["intent"],
                slots,
                Ref(root["account"]),
                root["shown"]?.AsArray().Select(Ref).OfType<AccountRef>().ToList() ?? [])
            {
                AwaitingAccount = root["awaiting_account"] is JsonValue awaiting && awaiting.GetValueKind() == JsonValueKind.True,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A damaged state row only costs the conversation its context, never the turn.
            return ConversationMemory.Empty;
        }

        static AccountRef? Ref(JsonNode? n) => n is JsonObject o && (string?)o["id"] is { } id ? new AccountRef(id, (string?)o["name"] ?? id) : null;
    }
}
