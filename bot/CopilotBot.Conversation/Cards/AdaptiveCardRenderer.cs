using System.Text.Json.Nodes;

namespace CopilotBot.Conversation.Cards;

/// <summary>Renders the card model as an Adaptive Card 1.5 (Action.Execute with an Action.Submit fallback).</summary>
public static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Render(Card card)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = card.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true, ["style"] = "heading" },
        };
        foreach (CardElement element in card.Body)
        {
            body.Add(element switch
            {
                CardText t => new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = t.Text, ["wrap"] = true,
                    ["isSubtle"] = t.Subtle, ["size"] = t.Subtle ? "Small" : "Default", ["weight"] = t.Emphasis ? "Bolder" : "Default",
                },
                CardFacts f => new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray(f.Facts.Select(x => (JsonNode)new JsonObject { ["title"] = x.Title, ["value"] = x.Value }).ToArray()),
                },
                CardTable table => RenderTable(table),
                _ => throw new NotSupportedException(element.GetType().Name),
            });
        }

        var result = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["fallbackText"] = card.FallbackText ?? card.Title,
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = body,
        };
        if (card.Actions.Count > 0)
        {
            body.Add(new JsonObject
            {
                ["type"] = "ActionSet",
                ["actions"] = new JsonArray(card.Actions.Select(a => (JsonNode)RenderAction(a)).ToArray()),
            });
        }

        return result;
    }

    private static JsonObject RenderTable(CardTable table)
    {
        var columns = new JsonArray(table.Columns.Select(_ => (JsonNode)new JsonObject { ["width"] = 1 }).ToArray());
        var rows = new JsonArray { Row(table.Columns, header: true) };
        foreach (IReadOnlyList<string> row in table.Rows)
        {
            rows.Add(Row(row, header: false));
        }

        return new JsonObject { ["type"] = "Table", ["columns"] = columns, ["rows"] = rows, ["firstRowAsHeader"] = true };

        static JsonObject Row(IReadOnlyList<string> cells, bool header) => new()
        {
            ["type"] = "TableRow",
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["type"] = "TableCell",
                ["items"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = c, ["wrap"] = true, ["weight"] = header ? "Bolder" : "Default" }),
            }).ToArray()),
        };
    }

    private static JsonObject RenderAction(CardAction action)
    {
        var data = new JsonObject();
        foreach ((string key, string value) in action.Data)
        {
            data[key] = value;
        }

        var submitData = (JsonObject)data.DeepClone();
        submitData["verb"] = action.Verb;
        return new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = action.Title,
            ["verb"] = action.Verb,
            ["data"] = data,
            ["style"] = action.Style,
            ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = action.Title, ["data"] = submitData },
        };
    }
}
