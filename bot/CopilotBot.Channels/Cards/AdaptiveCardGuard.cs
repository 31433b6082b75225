using System.Text;
using System.Text.Json.Nodes;

namespace CopilotBot.Channels.Cards;

/// <summary>
/// The builder-level rules for outgoing Adaptive Cards (protocols.md 2.1) that the JSON schema cannot express or that Teams
/// enforces with an opaque 400/413: a version on the card, inputs with unique ids, non-empty FactSets, absolute http(s)
/// OpenUrl targets, images by http(s) or inline data URI, a verb on every Action.Execute, and a size limit checked before any API call.
/// </summary>
public static class AdaptiveCardGuard
{
    /// <summary>Teams documents 28 KB as the largest Adaptive Card it renders.</summary>
    public const int DefaultMaxCardBytes = 28 * 1024;

    public static void Validate(JsonObject card, int maxBytes = DefaultMaxCardBytes, IReadOnlySet<string>? knownVerbs = null)
    {
        var problems = new List<string>();
        if ((string?)card["type"] != "AdaptiveCard")
        {
            problems.Add("top-level 'type' must be 'AdaptiveCard'");
        }

        if (card["version"] is not JsonValue version || string.IsNullOrWhiteSpace((string?)version))
        {
            problems.Add("top-level 'version' is missing");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (card["body"] is JsonArray body)
        {
            foreach (JsonNode? element in body)
            {
                CheckElement(element, "body", ids, problems, knownVerbs);
            }
        }

        if (card["actions"] is JsonArray actions)
        {
            foreach (JsonNode? action in actions)
            {
                CheckAction(action, "actions", problems, knownVerbs);
            }
        }

        int size = Encoding.UTF8.GetByteCount(card.ToJsonString());
        if (size > maxBytes)
        {
            problems.Add($"card is {size} bytes, over the {maxBytes}-byte limit");
        }

        if (problems.Count > 0)
        {
            throw new CardValidationException(problems);
        }
    }

    private static void CheckElement(JsonNode? node, string path, HashSet<string> ids, List<string> problems, IReadOnlySet<string>? knownVerbs)
    {
        if (node is not JsonObject element)
        {
            problems.Add($"{path}: element is not an object");
            return;
        }

        string? type = (string?)element["type"];
        string where = $"{path}/{type ?? "?"}";
        if (element["id"] is JsonValue idNode && (string?)idNode is { } id && !ids.Add(id))
        {
            problems.Add($"{where}: duplicate id '{id}'");
        }

        switch (type)
        {
            case null:
                problems.Add($"{path}: element without 'type'");
                break;
            case "TextBlock":
                if (element["text"] is not JsonValue)
                {
                    problems.Add($"{where}: 'text' is required");
                }

                break;
            case "FactSet":
                if (element["facts"] is not JsonArray { Count: > 0 } facts)
                {
                    problems.Add($"{where}: a FactSet needs at least one fact");
                    break;
                }

                foreach (JsonNode? fact in facts)
                {
                    if (fact is not JsonObject f || f["title"] is not JsonValue || f["value"] is not JsonValue)
                    {
                        problems.Add($"{where}: every fact needs a 'title' and a 'value'");
                    }
                }

                break;
            case "Table":
                int columns = element["columns"] is JsonArray cols ? cols.Count : 0;
                if (columns == 0)
                {
                    problems.Add($"{where}: a Table needs columns");
                }

                foreach (JsonNode? row in element["rows"] as JsonArray ?? [])
                {
                    JsonArray cells = row?["cells"] as JsonArray ?? [];
                    if (cells.Count > columns)
                    {
                        problems.Add($"{where}: a row has {cells.Count} cells for {columns} columns");
                    }

                    foreach (JsonNode? cell in cells)
                    {
                        foreach (JsonNode? item in cell?["items"] as JsonArray ?? [])
                        {
                            CheckElement(item, where + "/cell", ids, problems, knownVerbs);
                        }
                    }
                }

                break;
            case "ColumnSet":
                foreach (JsonNode? column in element["columns"] as JsonArray ?? [])
                {
                    foreach (JsonNode? item in column?["items"] as JsonArray ?? [])
                    {
                        CheckElement(item, where + "/column", ids, problems, knownVerbs);
                    }
                }

                break;
            case "Container":
                foreach (JsonNode? item in element["items"] as JsonArray ?? [])
                {
                    CheckElement(item, where, ids, problems, knownVerbs);
                }

                break;
            case "Image":
                string? url = (string?)element["url"];
                bool inline = url is not null && url.StartsWith("data:image/", StringComparison.Ordinal) && url.Contains(";base64,", StringComparison.Ordinal);
                if (!inline && !(Uri.TryCreate(url, UriKind.Absolute, out Uri? imageUri) && (imageUri.Scheme == Uri.UriSchemeHttps || imageUri.Scheme == Uri.UriSchemeHttp)))
                {
                    problems.Add($"{where}: an Image needs an absolute http(s) or data:image/…;base64 'url'");
                }

                break;
            case "ActionSet":
                if (element["actions"] is not JsonArray { Count: > 0 } actions)
                {
                    problems.Add($"{where}: an ActionSet needs actions");
                    break;
                }

                foreach (JsonNode? action in actions)
                {
                    CheckAction(action, where, problems, knownVerbs);
                }

                break;
            default:
                if (type.StartsWith("Input.", StringComparison.Ordinal) && string.IsNullOrWhiteSpace((string?)element["id"]))
                {
                    problems.Add($"{where}: an input needs an 'id'");
                }

                break;
        }
    }

    private static void CheckAction(JsonNode? node, string path, List<string> problems, IReadOnlySet<string>? knownVerbs)
    {
        if (node is not JsonObject action)
        {
            problems.Add($"{path}: action is not an object");
            return;
        }

        string? type = (string?)action["type"];
        string where = $"{path}/{type ?? "?"}";
        switch (type)
        {
            case "Action.Execute":
                string? verb = (string?)action["verb"];
                if (string.IsNullOrWhiteSpace(verb))
                {
                    problems.Add($"{where}: Action.Execute needs a 'verb'");
                }
                else if (knownVerbs is not null && !knownVerbs.Contains(verb))
                {
                    problems.Add($"{where}: verb '{verb}' is not one the bot handles");
                }

                if (action["fallback"] is JsonObject fallback)
                {
                    CheckAction(fallback, where + "/fallback", problems, knownVerbs);
                }

                break;
            case "Action.Submit":
                break;
            case "Action.OpenUrl":
                if (!(Uri.TryCreate((string?)action["url"], UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
                {
                    problems.Add($"{where}: Action.OpenUrl needs an absolute http(s) 'url'");
                }

                break;
            default:
                problems.Add($"{where}: unsupported action type");
                break;
        }
    }
}
