using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Spectre.Console;

namespace CopilotBot.Host.Cli;

/// <summary>
/// Shows a reply in a terminal: the text, then each card as a table or facts; a chart as the path of its PNG and its alt text;
/// a form's fields as their text, with where it can be edited and sent.
/// </summary>
internal static class TextRenderer
{
    /// <param name="saveChart">Writes a chart's PNG and returns its path (null: the chart is shown by its alt text alone).</param>
    public static void Write(IAnsiConsole console, TurnReply reply, Func<CardChart, string?>? saveChart = null)
    {
        console.WriteLine(reply.Text);
        foreach (Card card in reply.Cards)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]{Markup.Escape(card.Title)}[/]");
            foreach (CardElement element in card.Body)
            {
                switch (element)
                {
                    case CardText t:
                        console.MarkupLine(t.Subtle ? $"[grey]{Markup.Escape(t.Text)}[/]" : Markup.Escape(t.Text));
                        break;
                    case CardFacts f:
                        foreach ((string title, string value) in f.Facts)
                        {
                            console.MarkupLine($"{Markup.Escape(title)}: [bold]{Markup.Escape(value)}[/]");
                        }

                        break;
                    case CardTable table:
                        var t2 = new Table().Border(TableBorder.Rounded);
                        // Only the column with the longest text wraps (between words); the others keep their width, so a
                        // narrow terminal never splits a name mid-word ("Manufacturin g").
                        int wraps = WrappingColumn(table);
                        for (int c = 0; c < table.Columns.Count; c++)
                        {
                            var column = new TableColumn(Markup.Escape(table.Columns[c]));
                            t2.AddColumn(c == wraps ? column : column.NoWrap());
                        }

                        foreach (IReadOnlyList<string> row in table.Rows)
                        {
                            t2.AddRow(row.Select(Markup.Escape).ToArray());
                        }

                        console.Write(t2);
                        break;
                    case CardInput input:
                        // A form (Edit on a draft) needs a chat client to fill in and send: the terminal shows its text.
                        console.MarkupLine($"[bold]{Markup.Escape(input.Label)}:[/]");
                        console.WriteLine(input.Value);
                        break;
                    case CardChart chart:
                        if (saveChart?.Invoke(chart) is { } path)
                        {
                            // Straight to the writer: a path wrapped at the terminal width could not be copied.
                            console.Profile.Out.Writer.WriteLine("Chart: " + path);
                        }

                        console.MarkupLine($"[grey]{(saveChart is null ? "Chart: " : "  ")}{Markup.Escape(chart.AltText)}[/]");
                        break;
                }
            }

            if (card.Actions.Count > 0)
            {
                console.MarkupLine("[grey]Actions: " + Markup.Escape(string.Join(" · ", card.Actions.Select(a => a.Title))) + "[/]");
            }

            if (card.IsForm)
            {
                console.MarkupLine("[grey]This is a form: edit and send it in Teams, Slack or the web chat (`copilot serve`); the command line does not send drafts.[/]");
            }
        }

        foreach (Evidence e in reply.Evidence)
        {
            console.MarkupLine($"[grey]• {Markup.Escape(e.Id)} {Markup.Escape(e.Date)} {Markup.Escape(e.AccountId ?? string.Empty)}: {Markup.Escape(e.Snippet)}[/]");
        }
    }

    /// <summary>The column whose longest cell is longest: the free text that may wrap between words.</summary>
    private static int WrappingColumn(CardTable table)
    {
        int best = 0, bestLength = -1;
        for (int c = 0; c < table.Columns.Count; c++)
        {
            int length = table.Rows.Select(r => c < r.Count ? r[c].Length : 0).DefaultIfEmpty(0).Max();
            if (length > bestLength)
            {
                (best, bestLength) = (c, length);
            }
        }

        return best;
    }
}
