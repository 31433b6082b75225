using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Slack;

/// <summary>
/// Renders the one card model as Block Kit (protocols.md 3.4): title → header, text → section (subtle → context), facts →
/// section fields, table → a monospace section, chart → an image block by public URL (only when the bot has one; else
/// nothing, the card's table carries the numbers), actions → buttons whose <c>value</c> is <c>{"verb", ...data}</c> JSON, the
/// same shape a Teams click produces. Slack's limits are applied here (truncating text, refusing oversize button values)
/// so <c>invalid_blocks</c> never comes back from the API.
/// </summary>
public static partial class BlockKitRenderer
{
    public const int MaxBlocks = 50;
    public const int MaxHeaderChars = 150;
    public const int MaxSectionChars = 3000;
    public const int MaxFieldChars = 2000;
    public const int MaxFieldsPerSection = 10;
    public const int MaxButtonsPerBlock = 25;
    public const int MaxButtonTextChars = 75;
    public const int MaxButtonValueChars = 2000;
    public const int MaxActionIdChars = 255;
    public const int MaxAltTextChars = 2000;
    public const int MaxModalTitleChars = 24;
    public const int MaxModalBlocks = 100;
    public const int MaxPrivateMetadataChars = 3000;
    public const int MaxInputChars = 3000;
    public const int MaxInputLabelChars = 2000;

    /// <summary>The <c>callback_id</c> of the product's form modals: a <c>view_submission</c> with another one is not ours.</summary>
    public const string ModalCallbackId = "copilot.form";

    /// <summary>Of a context element's 3,000 characters, with room for escaping.</summary>
    public const int MaxContextChars = 2000;

    /// <summary>Stands where a chart's image would be when Slack has no URL to fetch it from, before its alt text.</summary>
    public const string ChartNotShown = "Chart not shown: Slack shows images from the bot's public URL (Bot:PublicBaseUrl), which is not set. What it shows: ";

    /// <summary>The fallback <c>text</c> and blocks for a reply: the answer's words, then each card.</summary>
    /// <param name="charts">Where chart images are published; null or without a public base URL, charts are left out.</param>
    public static (string Text, JsonArray Blocks) RenderReply(TurnReply reply, ChartImageCache? charts = null)
    {
        var blocks = new List<JsonObject>();
        foreach (string chunk in Chunks(ToMrkdwn(reply.Text), MaxSectionChars))
        {
            blocks.Add(Section(chunk));
        }

        foreach (Card card in reply.Cards)
        {
            blocks.AddRange(RenderBlocks(card, charts));
        }

        if (blocks.Count > MaxBlocks)
        {
            int dropped = blocks.Count - (MaxBlocks - 1);
            blocks = [.. blocks.Take(MaxBlocks - 1), Context($"… {dropped} more block(s) not shown.")];
        }

        string text = reply.Text.Length > 0 ? reply.Text : reply.Cards.FirstOrDefault()?.FallbackText ?? reply.Cards.FirstOrDefault()?.Title ?? string.Empty;
        // The fallback text is mrkdwn too (notifications, clients without blocks): escaped like every other text.
        return (Truncate(Escape(text), MaxSectionChars), new JsonArray(blocks.Select(b => (JsonNode)b).ToArray()));
    }

    public static JsonArray Render(Card card, ChartImageCache? charts = null) => new(RenderBlocks(card, charts).Select(b => (JsonNode)b).ToArray());

    /// <summary>Escapes the three characters Slack treats as control sequences in mrkdwn.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// Reply and card text is plain text, often not ours (model output, ticket text, imported names): escaped so it can
    /// never become a Slack link (<c>&lt;url|label&gt;</c>), mention or markdown link. Slack may still autolink a bare URL,
    /// showing the address itself (and <c>unfurl_links</c> is off).
    /// </summary>
    public static string ToMrkdwn(string text) => Escape(text);

    /// <summary>
    /// A form card (<see cref="Card.IsForm"/>) as a modal view for <c>views.open</c>: its text as blocks, each input as an
    /// <c>input</c> block holding a <c>plain_text_input</c> (block and action id = the input's id, so the submission's
    /// <c>state.values</c> name the fields as the card does), the card's first button that sends inputs as the modal's submit
    /// button and Slack's close as Cancel. The button's verb and data, and where to answer, travel in
    /// <paramref name="privateMetadata"/>; see <see cref="SlackInteractivityParser.ToSubmissionTurn"/>.
    /// </summary>
    /// <exception cref="CardValidationException">The card has no button that sends its inputs, or the metadata is too long.</exception>
    public static JsonObject RenderModal(Card card, string privateMetadata)
    {
        if (card.Actions.FirstOrDefault(a => a.SendsInputs) is not { } submit)
        {
            throw new CardValidationException([$"form '{card.Title}' has no button that sends it"]);
        }

        if (privateMetadata.Length > MaxPrivateMetadataChars)
        {
            throw new CardValidationException([$"form '{card.Title}' carries {privateMetadata.Length} characters of metadata, over Slack's {MaxPrivateMetadataChars}"]);
        }

        // The modal's title holds 24 characters; the card's full title is its first block.
        List<JsonObject> blocks = RenderBlocks(card with { Actions = [] }, charts: null, modal: true);
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = ModalCallbackId,
            ["title"] = PlainText(Truncate(card.Title, MaxModalTitleChars)),
            ["submit"] = PlainText(Truncate(submit.Title, MaxModalTitleChars)),
            ["close"] = PlainText(Truncate(card.Actions.FirstOrDefault(a => !a.SendsInputs)?.Title ?? "Cancel", MaxModalTitleChars)),
            ["private_metadata"] = privateMetadata,
            ["blocks"] = new JsonArray(blocks.Take(MaxModalBlocks).Select(b => (JsonNode)b).ToArray()),
        };
    }

    private static JsonObject Input(CardInput input)
    {
        var element = new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = input.Id,
            ["multiline"] = input.Multiline,
            ["max_length"] = Math.Clamp(input.MaxLength, 1, MaxInputChars),
        };
        if (input.Value.Length > 0)
        {
            element["initial_value"] = input.Value;
        }

        return new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = input.Id,
            ["label"] = PlainText(Truncate(input.Label, MaxInputLabelChars)),
            ["optional"] = !input.Required,
            ["element"] = element,
        };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static List<JsonObject> RenderBlocks(Card card, ChartImageCache? charts, bool modal = false)
    {
        var blocks = new List<JsonObject>
        {
            new() { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(card.Title, MaxHeaderChars), ["emoji"] = true } },
        };
        foreach (CardElement element in card.Body)
        {
            switch (element)
            {
                case CardText { Subtle: true } t:
                    blocks.Add(Context(Escape(t.Text)));
                    break;
                case CardText t:
                    string body = t.Emphasis ? $"*{Escape(t.Text)}*" : ToMrkdwn(t.Text);
                    blocks.AddRange(Chunks(body, MaxSectionChars).Select(Section));
                    break;
                case CardFacts f:
                    if (f.Facts.Count == 0)
                    {
                        throw new CardValidationException(["a facts element needs at least one fact"]);
                    }

                    foreach (var group in f.Facts.Chunk(MaxFieldsPerSection))
                    {
                        blocks.Add(new JsonObject
                        {
                            ["type"] = "section",
                            ["fields"] = new JsonArray(group.Select(x => (JsonNode)Mrkdwn(Truncate($"*{Escape(x.Title)}*\n{Escape(x.Value)}", MaxFieldChars))).ToArray()),
                        });
                    }

                    break;
                case CardTable table:
                    blocks.Add(Section(Table(table)));
                    break;
                case CardInput input when modal:
                    blocks.Add(Input(input));
                    break;
                case CardInput input:
                    // A message cannot hold a text box: the field's text is shown (as plain text) and the form opens in a modal.
                    blocks.Add(Context($"*{Escape(input.Label)}*"));
                    blocks.AddRange(Chunks(ToMrkdwn(input.Value), MaxSectionChars).Select(Section));
                    break;
                case CardChart chart:
                    if (ChartUrl(chart, charts) is { } url)
                    {
                        blocks.Add(new JsonObject
                        {
                            ["type"] = "image",
                            ["image_url"] = url,
                            ["alt_text"] = Truncate(chart.AltText.Length > 0 ? chart.AltText : card.Title, MaxAltTextChars),
                        });
                    }
                    else
                    {
                        // Slack fetches images by URL only; without one the reader still learns what the chart showed.
                        blocks.Add(Context(Escape(Truncate(ChartNotShown + chart.AltText, MaxContextChars))));
                    }

                    break;
                default:
                    throw new NotSupportedException(element.GetType().Name);
            }
        }

        if (card.Actions.Count > 0)
        {
            blocks.AddRange(Actions(card.Actions));
        }

        return blocks;
    }

    private static string? ChartUrl(CardChart chart, ChartImageCache? charts)
    {
        try
        {
            return charts?.PublicUrlFor(chart);
        }
        catch (ArgumentException)
        {
            return null; // a chart that cannot be drawn: the card goes out with its table
        }
    }

    private static IEnumerable<JsonObject> Actions(IReadOnlyList<CardAction> actions)
    {
        var buttons = new List<JsonObject>();
        var actionIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (CardAction action in actions)
        {
            var value = new JsonObject { ["verb"] = action.Verb };
            foreach ((string key, string v) in action.Data)
            {
                if (key != "verb")
                {
                    value[key] = v;
                }
            }

            string json = value.ToJsonString();
            if (json.Length > MaxButtonValueChars)
            {
                throw new CardValidationException([$"button '{action.Title}' carries {json.Length} characters of data, over Slack's {MaxButtonValueChars}"]);
            }

            // Action ids must be unique in a message; several buttons may share a verb (one per account), hence the suffix.
            string actionId = Truncate(action.Verb, MaxActionIdChars - 4);
            for (int n = 2; !actionIds.Add(actionId); n++)
            {
                actionId = $"{Truncate(action.Verb, MaxActionIdChars - 4)}#{n}";
            }

            var button = new JsonObject
            {
                ["type"] = "button",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(action.Title, MaxButtonTextChars), ["emoji"] = true },
                ["action_id"] = actionId,
                ["value"] = json,
            };
            string? style = action.Style switch { "positive" => "primary", "destructive" => "danger", _ => null };
            if (style is not null)
            {
                button["style"] = style;
            }

            buttons.Add(button);
        }

        foreach (JsonObject[] group in buttons.Chunk(MaxButtonsPerBlock))
        {
            yield return new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray(group.Select(b => (JsonNode)b).ToArray()) };
        }
    }

    // Block Kit has no general table in messages: aligned columns in a code block read well and stay inside one section.
    private static string Table(CardTable table)
    {
        int[] widths = table.Columns.Select((c, i) => Math.Min(30, Math.Max(c.Length, table.Rows.Select(r => i < r.Count ? r[i].Length : 0).DefaultIfEmpty(0).Max()))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", widths.Select((w, i) => Truncate(i < cells.Count ? cells[i] : string.Empty, w).PadRight(w))).TrimEnd();

        const string Fence = "```";
        var text = new StringBuilder(Fence + "\n").Append(Escape(Line(table.Columns))).Append('\n');
        for (int i = 0; i < table.Rows.Count; i++)
        {
            string line = Escape(Line(table.Rows[i])) + "\n";
            string more = $"… {table.Rows.Count - i} more row(s)\n";
            if (text.Length + line.Length + more.Length + Fence.Length > MaxSectionChars)
            {
                text.Append(more);
                break;
            }

            text.Append(line);
        }

        return text.Append(Fence).ToString();
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(Truncate(mrkdwn, MaxSectionChars)) };

    private static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(Mrkdwn(Truncate(mrkdwn, MaxSectionChars))),
    };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Splits long text at paragraph or line breaks where possible, each piece within <paramref name="max"/>.</summary>
    internal static IEnumerable<string> Chunks(string text, int max)
    {
        string rest = text.Trim();
        while (rest.Length > max)
        {
            int cut = rest.LastIndexOf("\n\n", max, StringComparison.Ordinal);
            if (cut <= max / 2)
            {
                cut = rest.LastIndexOf('\n', max - 1);
            }

            if (cut <= max / 2)
            {
                cut = rest.LastIndexOf(' ', max - 1);
            }

            if (cut <= 0)
            {
                cut = max;
            }

            yield return rest[..cut].TrimEnd();
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

}
