using CopilotBot.Conversation.Cards;
using CopilotBot.Reports;

namespace CopilotBot.Plugins.Reports;

/// <summary>
/// A report made of the cards the bot shows in chat: each card a section, its texts paragraphs, its facts and tables
/// tables, its charts the same PNGs. What a QBR deck holds is then exactly what the chat answered, from the same
/// functions and the same scope; buttons and input fields are left out.
/// </summary>
public static class CardReport
{
    public static ReportDocument Build(string title, string subtitle, IEnumerable<Card> cards, string? source = null)
    {
        var report = new ReportBuilder(title).Subtitle(subtitle);
        foreach (Card card in cards)
        {
            report.Section(card.Title);
            foreach (CardElement element in card.Body)
            {
                switch (element)
                {
                    case CardText { Subtle: true } t:
                        report.Source(t.Text);
                        break;
                    case CardText t:
                        report.Paragraph(t.Text);
                        break;
                    case CardFacts f:
                        report.Table([new ReportColumn("Fact"), new ReportColumn("Value")], f.Facts.Select(x => (IReadOnlyList<string>)[x.Title, x.Value]));
                        break;
                    case CardTable t when t.Rows.Count > 0:
                        report.Table(t.Columns.Select(c => new ReportColumn(c)).ToList(), t.Rows);
                        break;
                    case CardChart c:
                        try
                        {
                            report.Chart(c.Png, c.Spec.Title, c.AltText);
                        }
                        catch (ArgumentException)
                        {
                            report.Paragraph(c.AltText); // a chart that cannot be drawn says what it shows
                        }

                        break;
                }
            }
        }

        if (source is not null)
        {
            report.Source(source);
        }

        return report.Build();
    }
}
