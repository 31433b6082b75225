using System.Globalization;
using System.Text.Json.Nodes;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// Adapts Adaptive Cards for Microsoft's Web Chat. Web Chat renders <c>Action.Execute</c> (its renderer knows the type) but
/// only acts on <c>Action.Submit</c>, which it posts as a message with <c>value</c> and <c>channelData.postBack</c>; so every
/// Execute becomes the Submit fallback the card already carries. Each Submit's data is stamped with the activity holding the
/// card and the card's place in it (<c>{activity id}#{attachment index}</c>), so a click can tell which card it came from (to
/// replace it in place); the stamp is taken off again before the click reaches the agent.
/// </summary>
public static class WebChatCards
{
    /// <summary>The data key that carries where the card is; never seen by the agent.</summary>
    public const string CardKey = "directline.card";

    /// <summary>A copy of <paramref name="card"/> with Submit-only actions, stamped as attachment <paramref name="index"/> of <paramref name="activityId"/>.</summary>
    public static JsonNode? ForWebChat(JsonNode? card, string activityId, int index)
    {
        JsonNode? copy = card?.DeepClone();
        Rewrite(copy, activityId + "#" + index.ToString(CultureInfo.InvariantCulture));
        return copy;
    }

    /// <summary>Takes the stamp off a click's value: where the card was (when the stamp is there and well formed) and the value the agent should see.</summary>
    public static (CardLocation? Card, JsonObject Value) Unstamp(JsonObject value)
    {
        var copy = (JsonObject)value.DeepClone();
        string stamp = copy[CardKey] is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty;
        copy.Remove(CardKey);
        int hash = stamp.LastIndexOf('#');
        CardLocation? location = hash > 0 && int.TryParse(stamp.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? new CardLocation(stamp[..hash], index)
            : null;
        return (location, copy);
    }

    private static void Rewrite(JsonNode? node, string stamp)
    {
        switch (node)
        {
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject item && IsType(item, "Action.Execute"))
                    {
                        array[i] = ToSubmit(item);
                    }

                    Rewrite(array[i], stamp);
                }

                break;
            case JsonObject obj:
                foreach (string key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonObject child && IsType(child, "Action.Execute"))
                    {
                        obj[key] = ToSubmit(child);
                    }

                    Rewrite(obj[key], stamp);
                }

                if (IsType(obj, "Action.Submit"))
                {
                    if (obj["data"] is JsonObject data)
                    {
                        data[CardKey] = stamp;
                    }
                    else if (obj["data"] is null)
                    {
                        obj["data"] = new JsonObject { [CardKey] = stamp };
                    }
                }

                break;
        }
    }

    /// <summary>The Execute's own Submit fallback when it has one, else a Submit with the same data plus the verb.</summary>
    private static JsonObject ToSubmit(JsonObject execute)
    {
        JsonObject submit;
        if (execute["fallback"] is JsonObject fallback && IsType(fallback, "Action.Submit"))
        {
            submit = (JsonObject)fallback.DeepClone();
        }
        else
        {
            var data = execute["data"] is JsonObject d ? (JsonObject)d.DeepClone() : [];
            if (execute["verb"] is JsonValue verb)
            {
                data["verb"] = verb.DeepClone();
            }

            submit = new JsonObject { ["type"] = "Action.Submit", ["title"] = execute["title"]?.DeepClone(), ["data"] = data };
        }

        // Keep how the button looks (positive/destructive, id, tooltip) from the Execute action.
        foreach (string key in new[] { "id", "style", "tooltip", "iconUrl", "isEnabled", "mode" })
        {
            if (execute[key] is { } value && submit[key] is null)
            {
                submit[key] = value.DeepClone();
            }
        }

        return submit;
    }

    private static bool IsType(JsonObject obj, string type) => obj["type"] is JsonValue v && v.TryGetValue(out string? s) && s == type;
}
