using System.Text.Json.Nodes;

namespace CopilotBot.Conversation.Cards;

/// <summary>
/// Renders the card model as an Adaptive Card 1.5 (Action.Execute with an Action.Submit fallback). The model's strings are
/// plain text and go out escaped (<see cref="MarkdownText"/>); the only images are the product's charts and there are no
/// URL actions.
/// </summary>
public static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>The card with its charts inline as <c>data:image/png;base64,…</c> images.</summary>
    public static JsonObject Render(Card card) => Render(card, DataUri);

    /// <summary>
    /// The card with each chart's image at the URL <paramref name="chartUrl"/> gives; null leaves that image out and puts
    /// <see cref="ChartNotShown"/> with the chart's alt text in its place, so the reader learns there was a chart and
    /// what it showed (the card's table still carries the numbers). Never silently without it.
    /// </summary>
    public static JsonObject Render(Card card, Func<CardChart, string?> chartUrl)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = MarkdownText.Escape(card.Title), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true, ["style"] = "heading" },
        };
        foreach (CardElement element in card.Body)
        {
            if (element is CardChart chart)
            {
                body.Add(ChartImage(chart, chartUrl) ?? new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = MarkdownText.Escape(ChartNotShown + chart.AltText), ["wrap"] = true, ["isSubtle"] = true, ["size"] = "Small",
                });
                continue;
            }

            body.Add(element switch
            {
                CardText t => new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = MarkdownText.Escape(t.Text), ["wrap"] = true,
                    ["isSubtle"] = t.Subtle, ["size"] = t.Subtle ? "Small" : "Default", ["weight"] = t.Emphasis ? "Bolder" : "Default",
                },
                CardFacts f => new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray(f.Facts.Select(x => (JsonNode)new JsonObject { ["title"] = MarkdownText.Escape(x.Title), ["value"] = MarkdownText.Escape(x.Value) }).ToArray()),
                },
                CardTable table => RenderTable(table),
                CardInput input => RenderInput(input),
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

    /// <summary>What stands where a chart's image could not go (too large for the card and no URL the client can fetch, or not drawable), before its alt text.</summary>
    public const string ChartNotShown = "Chart not shown here. What it shows: ";

    /// <summary>A <c>data:</c> URI holding the chart's PNG.</summary>
    public static string DataUri(CardChart chart) => "data:image/png;base64," + Convert.ToBase64String(chart.Png);

    /// <summary>Whether the card holds a chart (so it can be rendered again without images when too large).</summary>
    public static bool HasCharts(Card card) => card.Body.Any(e => e is CardChart);

    private static JsonObject? ChartImage(CardChart chart, Func<CardChart, string?> chartUrl)
    {
        string? url;
        try
        {
            url = chartUrl(chart);
        }
        catch (ArgumentException)
        {
            // A chart that cannot be drawn is a bug in its spec; the card (and its table) still goes out.
            return null;
        }

        return url is null ? null : new JsonObject
        {
            ["type"] = "Image",
            ["url"] = url,
            ["altText"] = chart.AltText,
            ["size"] = "Stretch",
        };
    }

    /// <summary>
    /// Relative column widths from what the cells hold: each column gets at least the width of its longest word (so no
    /// word is broken mid-word, "Manufacturin g") and more for longer text, capped so one wordy column cannot squeeze
    /// the others to nothing.
    /// </summary>
    private static int[] ColumnWeights(CardTable table)
    {
        var weights = new int[table.Columns.Count];
        for (int c = 0; c < weights.Length; c++)
        {
            IEnumerable<string> cells = table.Rows.Where(r => c < r.Count).Select(r => r[c]).Prepend(table.Columns[c]);
            int longestWord = cells.SelectMany(static t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(static w => w.Length).DefaultIfEmpty(1).Max();
            double typical = table.Rows.Where(r => c < r.Count).Select(r => (double)r[c].Length).DefaultIfEmpty(1).Average();
            weights[c] = Math.Clamp(Math.Max(longestWord, (int)Math.Ceiling(typical / 2)), 3, 24);
        }

        return weights;
    }

    private static JsonObject RenderTable(CardTable table)
    {
        var columns = new JsonArray(ColumnWeights(table).Select(w => (JsonNode)new JsonObject { ["width"] = w }).ToArray());
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
                ["items"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = MarkdownText.Escape(c), ["wrap"] = true, ["weight"] = header ? "Bolder" : "Default" }),
            }).ToArray()),
        };
    }

    /// <summary>
    /// An <c>Input.Text</c>: the value goes in as it is (an input box shows text, not markdown, so escaping it would put
    /// backslashes into the draft); the client enforces the length and, for a required field, that it is filled in.
    /// </summary>
    private static JsonObject RenderInput(CardInput input)
    {
        var element = new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = input.Id,
            ["label"] = input.Label,
            ["value"] = input.Value,
            ["isMultiline"] = input.Multiline,
            ["maxLength"] = input.MaxLength,
        };
        if (input.Required)
        {
            element["isRequired"] = true;
            element["errorMessage"] = $"{input.Label} can't be empty.";
        }

        return element;
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
        var submit = new JsonObject { ["type"] = "Action.Submit", ["title"] = action.Title, ["data"] = submitData };
        var execute = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = action.Title,
            ["verb"] = action.Verb,
            ["data"] = data,
            ["style"] = action.Style,
        };
        if (!action.SendsInputs)
        {
            // A Cancel beside a form: sent without the inputs, so an empty or over-long field never blocks it.
            execute["associatedInputs"] = "none";
            submit["associatedInputs"] = "none";
        }

        execute["fallback"] = submit;
        return execute;
    }
}
