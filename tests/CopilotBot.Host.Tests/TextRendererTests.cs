using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Host.Cli;
using Spectre.Console;

namespace CopilotBot.Host.Tests;

public sealed class TextRendererTests
{
    [Fact]
    public void Write_NeverBreaksAWordInATableCell_WhenTheTableIsWiderThanTheTerminal()
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        var table = new CardTable(
            ["Account", "Industry", "Region", "Owner", "Risk", "ARR", "Top driver"],
            [["Quantum Motors Inc", "Manufacturing", "EMEA", "Jamie Ortiz", "64%", "$1.2M", "active users fell 42% in 90 days and two negative billing conversations"]]);
        var reply = TurnReply.Plain("Most at risk:") with { Cards = [new Card("At risk", [table], [])] };

        TextRenderer.Write(console, reply);

        string text = writer.ToString();
        Assert.Contains("Manufacturing", text, StringComparison.Ordinal);
        Assert.Contains("Quantum", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Manufacturin ", text, StringComparison.Ordinal);
    }
}
